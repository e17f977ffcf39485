// Qwen2 and Qwen3 (tiny, random weights, made with transformers' own Qwen2ForCausalLM / Qwen3ForCausalLM and exported
// as transformers.js-ready repositories are) through the engine in Node on onnxruntime-web's WASM backend: every
// capture of the Trace, for the prompt and for each cached step, equals what transformers computed
// (test/fixtures/hub/<name>/reference.json, written by tools/model/open_fixtures.py).
import { describe, expect, it } from 'vitest';
import { loadLocalFolder } from '../../src/engine/models/folder';
import { probe } from '../../src/engine/probe';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import { Tokenizer } from '../../src/engine/tokenizer';
import { addForward, assembled, computedPositions, exportTrace, newTrace, rowLayout, type Trace } from '../../src/engine/trace';
import { validateTraceDocument } from '../traceFormat';
import { logitLens } from '../../src/engine/lens';
import { maxAbsDifference } from './helpers';
import { OPEN_MODELS, checkCaptures, openModelFiles, openReference, referenceHook, tokenizerSha256, type ReferencePrompt } from './openModels';

/** fp32 against fp32: the graph is transformers' own computation, so only float rounding separates them
 * (onnxruntime CPU vs transformers: under 1e-5 when the fixture was made). */
const LOGIT_TOLERANCE = 1e-4;
const CAPTURE_TOLERANCE = 1e-4;

describe.each(OPEN_MODELS)('%s: the Trace equals transformers', async (model) => {
  const reference = openReference(model);
  const files = openModelFiles(model);
  const folder = await loadLocalFolder(files, model);
  const { config } = folder;
  const probed = probe(folder.graph.bytes, folder.graph.file, config, folder.graph.externalData);
  const session = await ModelSession.create(probed.bytes, 'wasm', 'forced', folder.graph.externalData);
  const tokenizer = new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig);
  const generator = new Generator({ session, probed }, null, config);

  async function run(entry: ReferencePrompt): Promise<{ trace: Trace; ids: number[] }> {
    const ids = tokenizer.encode(entry.prompt);
    const trace = newTrace({
      modelName: model, config, points: probed.points, backend: 'wasm', fallbackReason: 'forced',
      settings: { temperature: 0, topK: 0, topP: 1 }, seed: 1, prompt: entry.prompt, truncatedTokens: 0,
      promptLength: ids.length, tokens: tokenizer.describe(ids),
    });
    generator.reset();
    const result = await generator.generate({ ids, maxNewTokens: entry.generated.length, settings: trace.settings, rngState: 1 }, (event) => {
      if (event.type === 'forward') addForward(trace, event.record);
      else {
        const token = tokenizer.describe([event.decision.chosenId])[0]!;
        trace.steps.push({ position: event.position, decision: event.decision, token, candidateTokens: [] });
        trace.tokens.push(token);
      }
    }, () => false);
    trace.stopReason = result.stopReason;
    return { trace, ids: result.ids };
  }

  it('reads the config as the family it is, with the real repository’s vocabulary, RoPE base and heads', () => {
    const qwen3 = model === 'qwen3-tiny';
    expect(config.architecture).toBe(qwen3 ? 'qwen3' : 'qwen2');
    expect(config.vocabSize).toBe(151936);
    expect(config.ropeTheta).toBe(1_000_000);
    expect(config.tieWordEmbeddings).toBe(true);
    expect(config.nKvHead).toBeLessThan(config.nHead);
    // Qwen3 (like Qwen3-0.6B) has head_dim ≠ hidden_size / heads.
    expect(config.dHead).toBe(qwen3 ? 8 : config.dModel / config.nHead);
    expect(folder.graph.file).toBe('onnx/model.onnx');
    expect(generator.kind).toBe('cached');
    // Qwen2's fp32 weights are in onnx/model.onnx_data, as big repositories keep them; Qwen3's are in the graph.
    expect(folder.graph.externalData.map((file) => [file.path, file.data.length])).toEqual(qwen3 ? [] : [['model.onnx_data', files['onnx/model.onnx_data']!.length]]);
    expect(folder.graph.bytes.length).toBeLessThan(qwen3 ? Infinity : 200_000);
  });

  it('tokenizes with Qwen’s real tokenizer (merges stored as pairs) exactly as the reference tokenizer does', () => {
    expect(tokenizerSha256()).toBe(reference.tokenizer.sha256);
    expect(Array.isArray((folder.tokenizerJson as { model: { merges: unknown[] } }).model.merges[0])).toBe(true);
    for (const entry of reference.prompts) expect(tokenizer.encode(entry.prompt)).toEqual(entry.input_ids);
  });

  it('finds every capture point, the QK-norm ones exactly when the model has QK-norm, and no position table', () => {
    const hooks = probed.points.map((p) => p.hook);
    const perLayer = model === 'qwen3-tiny' ? 21 : 19;
    expect(hooks).toHaveLength(3 + perLayer * config.nLayer);
    expect(hooks).not.toContain('hook_pos_embed');
    expect(hooks.includes('blocks.1.attn.q_norm.hook_normalized')).toBe(model === 'qwen3-tiny');
    expect(hooks.includes('blocks.1.attn.k_norm.hook_normalized')).toBe(model === 'qwen3-tiny');
    // The reference holds every one of them.
    for (const hook of hooks.filter((h) => h !== 'logits')) expect(reference.prompts[0]!.captures).toHaveProperty([referenceHook(hook)]);
    expect(probed.lens?.norm).toBe('rmsnorm');
  });

  for (const [index, entry] of reference.prompts.entries()) {
    it(`“${entry.prompt}”: greedy tokens, logits and every capture, for the prompt and each cached step`, async () => {
      const { trace, ids } = await run(entry);
      expect(ids.slice(entry.input_ids.length)).toEqual(entry.generated);
      const n = computedPositions(trace);
      expect(n).toBe(entry.positions);
      // Logits at the sampled ids, every position; the whole last row where the reference has it.
      const vocab = config.vocabSize;
      const logits = assembled(trace, 'logits').data;
      const sampled = Float32Array.from({ length: n * entry.logitIds.length }, (_, k) => logits[Math.floor(k / entry.logitIds.length) * vocab + entry.logitIds[k % entry.logitIds.length]!]!);
      expect(maxAbsDifference(sampled, entry.logits)).toBeLessThan(LOGIT_TOLERANCE);
      if (entry.lastLogits) expect(maxAbsDifference(logits.subarray((n - 1) * vocab), entry.lastLogits)).toBeLessThan(LOGIT_TOLERANCE);
      const captures = Object.fromEntries(trace.points.filter((p) => p.hook !== 'logits').map((p) => [p.hook, { ...assembled(trace, p.hook), attention: rowLayout(p.layout) === 'attention' }]));
      for (const check of checkCaptures(captures, entry)) {
        expect(check.shapeOk, check.hook).toBe(true);
        expect(check.difference, `${check.hook} (prompt ${index})`).toBeLessThan(CAPTURE_TOLERANCE);
      }
      // The export follows docs/trace-format.md (the Qwen hooks included).
      if (index === 0) expect(validateTraceDocument(JSON.parse(exportTrace(trace)))).toEqual([]);
      // The logit lens (final RMSNorm and W_E read from the graph) reproduces the model's own last logits.
      const last = trace.rows[`blocks.${config.nLayer - 1}.hook_resid_post`]![n - 1]!;
      expect(maxAbsDifference(logitLens(last, probed.lens!), trace.rows['logits']![n - 1]!)).toBeLessThan(1e-3);
    });
  }
});
