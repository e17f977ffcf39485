// GPT-2, Llama 3.2, Qwen2 (tied and untied) and Qwen3 (tiny, random weights, made with transformers' own GPT2LMHeadModel,
// LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM and exported as transformers.js-ready repositories are) through
// the engine in Node on onnxruntime-web's WASM backend, in fp32: every capture of the Trace, for the prompt and for
// each cached step, equals what transformers computed (test/fixtures/hub/<name>/reference.json, written by
// tools/model/open_fixtures.py).
import { matrixValues } from '../../src/engine/tokenRows';
import { describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadLocalFolder } from '../../src/engine/models/folder';
import { probe } from '../../src/engine/probe';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import { Tokenizer } from '../../src/engine/tokenizer';
import { assembled, computedPositions, exportTrace, rowLayout, type Trace } from '../../src/engine/trace';
import { validateTraceDocument } from '../traceFormat';
import { logitLens } from '../../src/engine/lens';
import { maxAbsDifference, recordTrace } from './helpers';
import {
  OPEN_MODELS,
  checkCaptures,
  openModelFiles,
  openReference,
  referenceHook,
  tokenizerSha256,
  type ReferencePrompt,
} from './openModels';

/** fp32 against fp32: the graph is transformers' own computation, so only float rounding separates them
 * (onnxruntime CPU vs transformers: under 1e-5 when the fixture was made). */
const LOGIT_TOLERANCE = 1e-4;
const CAPTURE_TOLERANCE = 1e-4;

/** What each fixture's config.json says (the real repository's, scaled down: tools/model/open_fixtures.py), and the
 * capture points that architecture has: GPT-2 16 per layer and a position table; Llama and Qwen2 add rotated Q
 * and K and the SwiGLU's linear branch (19); Qwen3 adds its QK-norm's two (21). */
const EXPECTED = {
  'gpt2-tiny': {
    architecture: 'gpt2',
    vocab: 50257,
    ropeTheta: null,
    ropeScaling: null,
    dHead: 4,
    nHead: 2,
    nKvHead: 2,
    perLayer: 16,
    norm: 'layernorm',
    mergesAsPairs: false,
  },
  'llama3-tiny': {
    architecture: 'llama',
    vocab: 128256,
    ropeTheta: 500_000,
    ropeScaling: 'llama3',
    dHead: 8,
    nHead: 4,
    nKvHead: 1,
    perLayer: 19,
    norm: 'rmsnorm',
    mergesAsPairs: false,
  },
  'qwen2-tiny': {
    architecture: 'qwen2',
    vocab: 151936,
    ropeTheta: 1_000_000,
    ropeScaling: null,
    dHead: 4,
    nHead: 2,
    nKvHead: 1,
    perLayer: 19,
    norm: 'rmsnorm',
    mergesAsPairs: true,
  },
  'qwen3-tiny': {
    architecture: 'qwen3',
    vocab: 151936,
    ropeTheta: 1_000_000,
    ropeScaling: null,
    dHead: 8,
    nHead: 4,
    nKvHead: 2,
    perLayer: 21,
    norm: 'rmsnorm',
    mergesAsPairs: true,
  },
  // Qwen2.5-7B's config (lm_head a matrix of its own), with the 4,096-token tokenizer of optimum-gpt2-tiny.
  'qwen2-untied-tiny': {
    architecture: 'qwen2',
    vocab: 4096,
    ropeTheta: 1_000_000,
    ropeScaling: null,
    dHead: 4,
    nHead: 5,
    nKvHead: 1,
    perLayer: 19,
    norm: 'rmsnorm',
    mergesAsPairs: false,
  },
} as const;

/** Every file under test/fixtures/, in bytes. */
function fixtureBytes(dir = resolve(__dirname, '../fixtures')): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = resolve(dir, entry.name);
    return sum + (entry.isDirectory() ? fixtureBytes(path) : statSync(path).size);
  }, 0);
}

// The fixture budget: all committed fixtures together within about 40 MB (what was chosen to stay there:
// test/fixtures/hub/OPEN-MODELS.md).
it('all of test/fixtures/ stays within the 40 MB fixture budget', () => {
  expect(fixtureBytes()).toBeLessThan(40_000_000);
});

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
    const settings = { temperature: 0, topK: 0, topP: 1 };
    return recordTrace(
      { config, probed, tokenizer, generator },
      { modelName: model, prompt: entry.prompt, settings, seed: 1, maxNewTokens: entry.generated.length },
    );
  }

  const expected = EXPECTED[model];

  it('reads the config as the family it is, with the real repository’s vocabulary, positions and heads', () => {
    expect(config.architecture).toBe(expected.architecture);
    expect(config.vocabSize).toBe(expected.vocab);
    expect(config.ropeTheta).toBe(expected.ropeTheta);
    expect(config.ropeScaling).toBe(expected.ropeScaling);
    expect(config.tieWordEmbeddings).toBe(model !== 'qwen2-untied-tiny');
    expect([config.nHead, config.nKvHead]).toEqual([expected.nHead, expected.nKvHead]);
    // Qwen3 and this Llama 3.2 have head_dim ≠ hidden_size / heads (Qwen3-0.6B: 128 ≠ 1024 / 16).
    expect(config.dHead).toBe(expected.dHead);
    expect(folder.graph.file).toBe('onnx/model.onnx');
    expect(generator.kind).toBe('cached');
    // Qwen2's fp32 weights are in onnx/model.onnx_data, as big repositories keep them; the others' are in the graph.
    const qwen2 = model === 'qwen2-tiny';
    expect(folder.graph.externalData.map((file) => [file.path, file.data.length])).toEqual(
      qwen2 ? [['model.onnx_data', files['onnx/model.onnx_data']!.length]] : [],
    );
    expect(folder.graph.bytes.length).toBeLessThan(qwen2 ? 200_000 : Infinity);
  });

  it('tokenizes with the model’s real tokenizer exactly as the reference tokenizer does', () => {
    expect(tokenizerSha256(model)).toBe(reference.tokenizer.sha256);
    // Qwen's tokenizer.json stores its merges as pairs (newer files do), GPT-2's and Llama 3's as strings.
    expect(Array.isArray((folder.tokenizerJson as { model: { merges: unknown[] } }).model.merges[0])).toBe(expected.mergesAsPairs);
    for (const entry of reference.prompts) expect(tokenizer.encode(entry.prompt)).toEqual(entry.input_ids);
  });

  it('finds every capture point of its architecture: QK-norm exactly with QK-norm, a position table exactly in GPT-2', () => {
    const hooks = probed.points.map((p) => p.hook);
    const gpt2 = model === 'gpt2-tiny';
    expect(hooks).toHaveLength((gpt2 ? 4 : 3) + expected.perLayer * config.nLayer);
    expect(hooks.includes('hook_pos_embed')).toBe(gpt2);
    expect(hooks.includes('blocks.1.attn.hook_rot_q')).toBe(!gpt2);
    expect(hooks.includes('blocks.1.mlp.hook_pre_linear')).toBe(!gpt2);
    expect(hooks.includes('blocks.1.attn.q_norm.hook_normalized')).toBe(model === 'qwen3-tiny');
    expect(hooks.includes('blocks.1.attn.k_norm.hook_normalized')).toBe(model === 'qwen3-tiny');
    // The reference holds every one of them, and nothing else.
    const captured = hooks.filter((h) => h !== 'logits').map(referenceHook);
    for (const hook of captured) expect(reference.prompts[0]!.captures).toHaveProperty([hook]);
    expect(Object.keys(reference.prompts[0]!.captures).sort()).toEqual([...new Set(captured)].sort());
    expect(probed.lens?.norm).toBe(expected.norm);
    if (config.tieWordEmbeddings) {
      // The same graph read as if untied: the lens looks at the lm_head, finds it reads W_E (a Transpose of the
      // Gather's matrix), and multiplies by W_E with no copy of its own.
      const asUntied = probe(
        folder.graph.bytes,
        folder.graph.file,
        { ...config, tieWordEmbeddings: false },
        folder.graph.externalData,
      ).lens;
      expect(asUntied?.embedding).toEqual(probed.lens!.embedding);
      expect(asUntied?.unembedding).toBeUndefined();
      expect(probed.lens!.unembedding).toBeUndefined();
    } else {
      // Untied: the lm_head's own matrix, [vocab × d_model], not W_E.
      expect(probed.lens!.unembedding).toHaveLength(config.vocabSize * config.dModel);
      expect(maxAbsDifference(probed.lens!.unembedding!, matrixValues(probed.lens!.embedding))).toBeGreaterThan(1);
    }
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
      const sampled = Float32Array.from(
        { length: n * entry.logitIds.length },
        (_, k) => logits[Math.floor(k / entry.logitIds.length) * vocab + entry.logitIds[k % entry.logitIds.length]!]!,
      );
      expect(maxAbsDifference(sampled, entry.logits)).toBeLessThan(LOGIT_TOLERANCE);
      if (entry.lastLogits) expect(maxAbsDifference(logits.subarray((n - 1) * vocab), entry.lastLogits)).toBeLessThan(LOGIT_TOLERANCE);
      const captures = Object.fromEntries(
        trace.points
          .filter((p) => p.hook !== 'logits')
          .map((p) => [p.hook, { ...assembled(trace, p.hook), attention: rowLayout(p.layout) === 'attention' }]),
      );
      for (const check of checkCaptures(captures, entry)) {
        expect(check.shapeOk, check.hook).toBe(true);
        expect(check.difference, `${check.hook} (prompt ${index})`).toBeLessThan(CAPTURE_TOLERANCE);
      }
      // The export follows docs/trace-format.md (the Qwen hooks included).
      if (index === 0) expect(validateTraceDocument(JSON.parse(exportTrace(trace)))).toEqual([]);
      // The logit lens (the final norm and W_U read from the graph: W_E, or an untied model's lm_head) reproduces the
      // model's own last logits.
      const last = trace.rows[`blocks.${config.nLayer - 1}.hook_resid_post`]![n - 1]!;
      expect(maxAbsDifference(logitLens(last, probed.lens!), trace.rows['logits']![n - 1]!)).toBeLessThan(1e-3);
    });
  }
});
