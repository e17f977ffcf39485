// Optimum's two-graph Hub layout (decoder_model.onnx for the prompt, decoder_with_past_model.onnx one token at a
// time), exported at opset 14 where LayerNorm is spelled out in pieces: the fixture in test/fixtures/hub/
// (random weights, `tools/model/export.py --optimum-fixture`), through the engine in Node.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../src/engine/models/config';
import { loadLocalFolder } from '../../src/engine/models/folder';
import { probe } from '../../src/engine/probe';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import { TraceRecorder, computedPositions } from '../../src/engine/trace';
import { logitLens } from '../../src/engine/lens';
import { maxAbsDifference } from './helpers';
import { Tokenizer } from '../../src/engine/tokenizer';
import { buildQuestion } from '../../src/lesson/questions';

const FOLDER = resolve(__dirname, '../fixtures/hub/optimum-gpt2-tiny');
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/decoder_model.onnx', 'onnx/decoder_with_past_model.onnx'];

describe('Optimum’s two-graph layout with decomposed LayerNorm', async () => {
  const files = Object.fromEntries(FILES.map((file) => [file, new Uint8Array(readFileSync(resolve(FOLDER, file)))]));
  const folder = await loadLocalFolder(files, 'optimum-gpt2-tiny');
  const config = parseModelConfig(JSON.parse(readFileSync(resolve(FOLDER, 'config.json'), 'utf8')));
  const open = async (file: string) => {
    const probed = probe(files[file]!, file, config);
    return { probed, session: await ModelSession.create(probed.bytes, 'wasm') };
  };
  const prompt = await open('onnx/decoder_model.onnx');
  const step = await open('onnx/decoder_with_past_model.onnx');

  it('picks the prompt graph and the step graph, and runs them as one KV-cached generator', () => {
    expect(folder.graph.file).toBe('onnx/decoder_model.onnx');
    expect(folder.stepGraph?.file).toBe('onnx/decoder_with_past_model.onnx');
    expect(new Generator(prompt, step, config).kind).toBe('two-graph');
    expect(new Generator(prompt, null, config).kind).toBe('full');
  });

  it('finds every capture point in both graphs, and the lens parameters of the pieced-together LayerNorm', () => {
    expect(step.probed.points.map((p) => p.hook)).toEqual(prompt.probed.points.map((p) => p.hook));
    expect(prompt.probed.points).toHaveLength(4 + 16 * config.nLayer);
    expect(prompt.probed.lens?.norm).toBe('layernorm');
    expect(prompt.probed.lens?.lnWeight.length).toBe(config.dModel);
  });

  it('generates one position per token through the step graph, with the logits and patterns of a full recompute', async () => {
    const cached = new Generator(prompt, step, config);
    const full = new Generator(prompt, null, config);
    const ids = [10, 20, 30, 40, 50];
    const recorder = new TraceRecorder({
      modelName: 'optimum-gpt2-tiny',
      config,
      points: prompt.probed.points,
      backend: 'wasm',
      fallbackReason: 'forced',
      settings: { temperature: 0, topK: 0, topP: 1 },
      seed: 1,
      prompt: '',
      truncatedTokens: 0,
      promptLength: ids.length,
      tokens: [],
    });
    const counts: number[] = [];
    const result = await cached.generate(
      { ids, maxNewTokens: 4, settings: { temperature: 0, topK: 0, topP: 1 }, rngState: 1 },
      (event) => {
        if (event.type !== 'forward') return;
        counts.push(event.record.count);
        recorder.addForward(event.record);
      },
      () => false,
    );
    const trace = recorder.snapshot();
    expect(counts).toEqual([5, 1, 1, 1]);
    const recomputed = (await full.forward(result.ids.slice(0, -1))).record;
    const n = computedPositions(trace);
    expect(n).toBe(8);
    const rows = (hook: string) => trace.rows[hook]!.flatMap((row) => [...row]);
    expect(maxAbsDifference(rows('logits'), recomputed.tensors['logits']!.data)).toBeLessThan(1e-4);
    // Pattern rows: the trace keeps [heads, keys so far] per position; the recompute [heads, all keys].
    const allKeys = recomputed.tensors['blocks.1.attn.hook_pattern']!;
    const heads = config.nHead;
    trace.rows['blocks.1.attn.hook_pattern']!.forEach((row, p) => {
      const width = row.length / heads;
      for (let h = 0; h < heads; h++) {
        const expected = allKeys.data.subarray((p * heads + h) * n, (p * heads + h) * n + p + 1);
        expect(maxAbsDifference(row.subarray(h * width, h * width + p + 1), expected)).toBeLessThan(1e-5);
      }
    });
    // The logit lens with the LayerNorm weights read from the pieces reproduces the output.
    const last = trace.rows[`blocks.${config.nLayer - 1}.hook_resid_post`]![n - 1]!;
    expect(maxAbsDifference(logitLens(last, prompt.probed.lens!), trace.rows['logits']![n - 1]!)).toBeLessThan(1e-3);
  });

  it('without a KV cache, each step runs every position but records only the new one, as computed in that pass', async () => {
    // The prompt graph alone: the no-past layout (onnx/model.onnx on the Hub).
    const full = new Generator(prompt, null, config);
    const ids = [10, 20, 30, 40, 50];
    const records: { start: number; count: number; k: Float32Array }[] = [];
    const result = await full.generate(
      { ids, maxNewTokens: 4, settings: { temperature: 0, topK: 0, topP: 1 }, rngState: 1 },
      (event) => {
        if (event.type === 'forward') records.push({ ...event.record, k: event.record.tensors['blocks.1.attn.hook_k']!.data });
      },
      () => false,
    );
    expect(records.map(({ start, count }) => [start, count])).toEqual([
      [0, 5],
      [5, 1],
      [6, 1],
      [7, 1],
    ]);
    // Each later position's K is the one its own pass computed (the sequence up to it), not a later pass's: what a
    // cache would have kept, so the KV-cache check compares it with a recompute of the whole sequence.
    for (const { start, k } of records.slice(1)) {
      const alone = new Generator(prompt, null, config);
      const { record } = await alone.forward(result.ids.slice(0, start + 1));
      const last = record.tensors['blocks.1.attn.hook_k']!;
      expect(last.dims[0]).toBe(start + 1);
      expect(maxAbsDifference(k, last.data.subarray(start * k.length))).toBe(0);
    }
    // A pass that does not extend the last one (the same ids again, or a new prompt) records every position.
    expect((await full.forward(result.ids.slice(0, 3))).record).toMatchObject({ start: 0, count: 3 });
    expect((await full.forward(result.ids.slice(0, 3))).record).toMatchObject({ start: 0, count: 3 });
    full.reset();
    expect((await full.forward(result.ids.slice(0, 4))).record).toMatchObject({ start: 0, count: 4 });
    // Told that the page holds the first 4 positions already (a run handed back to the worker), a pass that runs them
    // again records only the new one.
    full.reset();
    expect((await full.forward(result.ids.slice(0, 5), undefined, 4)).record).toMatchObject({ start: 4, count: 1 });
  });

  it('reads K heads-first in the prompt graph too, where the export folds the move of the heads into Kᵀ', async () => {
    // decoder_model.onnx turns K [1, T, H, X] into Kᵀ in one Transpose (0,2,3,1); the cache's Transpose (0,2,1,3)
    // of the same tensor is K as the step graph has it (present.*.key).
    const tensorOf = (graph: typeof prompt, hook: string) => graph.probed.points.find((point) => point.hook === hook)!.tensor;
    expect(tensorOf(prompt, 'blocks.0.attn.hook_k')).toBe('present.0.key');
    expect(tensorOf(step, 'blocks.0.attn.hook_k')).toBe('present.0.key');
    const { record } = await new Generator(prompt, null, config).forward([10, 20, 30]);
    expect(record.tensors['blocks.0.attn.hook_k']!.dims).toEqual([3, config.nHead, config.dHead]);
  });

  it('the lesson’s KV-cache question on it compares those keys and values with a recompute of the whole sequence', async () => {
    const full = new Generator(prompt, null, config);
    const tokenizer = new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig);
    const ids = [10, 20, 30, 40, 50];
    const settings = { temperature: 0, topK: 0, topP: 1 };
    const recorder = new TraceRecorder({
      modelName: 'optimum-gpt2-tiny',
      config,
      points: prompt.probed.points,
      backend: 'wasm',
      fallbackReason: 'forced',
      settings,
      seed: 1,
      prompt: '',
      truncatedTokens: 0,
      promptLength: ids.length,
      tokens: tokenizer.describe(ids),
    });
    const result = await full.generate(
      { ids, maxNewTokens: 4, settings, rngState: 1 },
      (event) => {
        if (event.type === 'forward') recorder.addForward(event.record);
        else
          recorder.addStep(
            { position: event.position, decision: event.decision, token: tokenizer.describe([event.fed])[0]!, candidateTokens: [] },
            event.rngState,
          );
      },
      () => false,
    );
    const trace = recorder.snapshot();
    full.reset();
    const recomputed = (await full.forward(result.ids.slice(0, computedPositions(trace)))).record.tensors;
    const question = buildQuestion('generation.cache', trace, { recomputed, cached: false })!;
    expect(question.ask.key).toBe('lesson.generation.cache.askFull');
    expect(question.answer).toBe('same');
    // A kept key moved by a tenth of its row's size is no longer rounding: the comparison is real evidence.
    const hook = 'blocks.0.attn.hook_k';
    const rows = [...trace.rows[hook]!];
    const moved = Float32Array.from(rows[5]!);
    moved[0]! += 0.1 * Math.max(1, ...Array.from(moved, Math.abs));
    rows[5] = moved;
    expect(
      buildQuestion('generation.cache', { ...trace, rows: { ...trace.rows, [hook]: rows } }, { recomputed, cached: false })!.answer,
    ).toBe('changed');
  });
});
