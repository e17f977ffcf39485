// A large model's lean capture (capturePlan.ts): as it generates, a run keeps the residual stream, the embeddings,
// the final norm, the newest logits and the open layer; anything else is recomputed from the same ids when a view
// opens it. What the recompute gives must be what a full capture would have recorded, on real ONNX sessions.
import { describe, expect, it } from 'vitest';
import { loadLocalFolder } from '../../src/engine/models/folder';
import { GRAPH_FILE, probe } from '../../src/engine/probe';
import { bytesSource } from '../../src/engine/models/byteSource';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import { TraceRecorder, assembled, lackingHooks, rowLayout, type ForwardRecord, type Trace } from '../../src/engine/trace';
import {
  FULL_CAPTURE,
  LEAN_LOGITS_KEPT,
  SEGMENT_MAX_LAYERS,
  captureBytesPerPosition,
  defaultCaptureMode,
  planCaptures,
  segmentInputs,
  type CapturePlan,
} from '../../src/engine/capturePlan';
import type { Intervention } from '../../src/engine/probe/intervention';
import { DEEP_MODEL, OPEN_MODELS, openModelFiles, type FixtureModel } from './openModels';
import { EMBEDDED_MODELS, loadEngine, maxAbsDifference } from './helpers';

const SETTINGS = { temperature: 0.9, topK: 0, topP: 1 };
const NEW_TOKENS = 6;

async function engine(model: FixtureModel, graph?: string, spilled = false) {
  const folder = await loadLocalFolder(openModelFiles(model, graph), model);
  const probed = probe(folder.graph.bytes, folder.graph.file, folder.config, folder.graph.externalData);
  const session = await ModelSession.create(probed.bytes, 'wasm', 'forced', folder.graph.externalData);
  /** Bytes read back from the files, once the weights are spilled (as the worker spills them). */
  const read = { bytes: 0, file: folder.graph.bytes.length + folder.graph.externalData.reduce((sum, file) => sum + file.data.length, 0) };
  if (spilled) {
    const counted = (bytes: Uint8Array) => {
      const source = bytesSource(bytes);
      return { read: (offset: number, length: number) => ((read.bytes += length), source.read(offset, length)) };
    };
    // Every weight, however small (these models' weights are small: the worker leaves those under 4 kB in memory).
    probed.spill(
      (file) => counted(file === GRAPH_FILE ? folder.graph.bytes : folder.graph.externalData.find((data) => data.path === file)!.data),
      0,
    );
  }
  return { config: folder.config, probed, generator: new Generator({ session, probed }, null, folder.config), read };
}

/** A run of NEW_TOKENS sampled tokens under `plan` (which may change before a given forward pass), recorded as the
 * page records it; with the ids it fed. */
async function record(
  generator: Generator,
  points: Trace['points'],
  config: Trace['config'],
  ids: number[],
  plan: (forward: number) => CapturePlan,
) {
  generator.reset();
  const recorder = recorderFor('test', config, points, ids);
  const records: ForwardRecord[] = [];
  let forwards = 0;
  const result = await generator.generate(
    { ids, maxNewTokens: NEW_TOKENS, settings: SETTINGS, rngState: 7, plan: () => plan(forwards) },
    (event) => {
      if (event.type === 'forward') {
        forwards++;
        records.push(event.record);
        recorder.addForward(event.record);
        if (plan(forwards - 1).mode === 'lean') recorder.keepNewestLogits(LEAN_LOGITS_KEPT);
      } else {
        recorder.addStep(
          {
            position: event.position,
            decision: event.decision,
            token: { id: event.decision.chosenId, piece: '', bytes: [], text: '', character: null },
            candidateTokens: [],
          },
          event.rngState,
        );
      }
    },
    () => false,
  );
  return { trace: recorder.snapshot(), recorder, records, ids: result.ids };
}

/** The kept rows a recompute of `hooks` reads its layers' input from, as the page sends them (runController). */
function cutRowsOf(trace: Trace, hooks: readonly string[]): Record<string, Float32Array> {
  const inputs = segmentInputs(trace.points, hooks)!;
  expect(lackingHooks(trace, inputs.cut)).toEqual([]);
  return Object.fromEntries(inputs.cut.map((hook) => [hook, assembled(trace, hook).data]));
}

/** The largest difference between two rows of a hook at a position; attention rows compare the keys both hold (a
 * cached step scores only the keys so far, a recompute scores every key of the sequence). */
function rowDifference(trace: Trace, hook: string, a: Float32Array, b: Float32Array): number {
  const point = trace.points.find((p) => p.hook === hook)!;
  if (rowLayout(point.layout) !== 'attention') {
    expect(a.length).toBe(b.length);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    return max;
  }
  const heads = trace.config.nHead;
  const [wa, wb] = [a.length / heads, b.length / heads];
  let max = 0;
  for (let h = 0; h < heads; h++) {
    for (let k = 0; k < Math.min(wa, wb); k++) {
      const [x, y] = [a[h * wa + k]!, b[h * wb + k]!];
      if (x === y) continue; // (both −∞ where masked)
      max = Math.max(max, Math.abs(x - y));
    }
  }
  return max;
}

describe.each(['qwen3-tiny', 'gpt2-tiny'] as const)('%s: lean capture, then recompute on demand', async (model) => {
  const { config, probed, generator } = await engine(model);
  const points = probed.points;
  const prompt = [101, 2003, 1037, 3231, 999, 42, 7];
  const full = await record(generator, points, config, prompt, () => FULL_CAPTURE);
  const openLayer = config.nLayer - 1;
  const lean = await record(generator, points, config, prompt, () => ({ mode: 'lean', layers: [openLayer] }));
  const n = full.ids.length - 1;

  it('samples the same tokens and records the kept hooks as a full capture does (the plan changes what is copied out, not the model)', () => {
    expect(lean.ids).toEqual(full.ids);
    for (const point of points) {
      const kept = planCaptures({ mode: 'lean', layers: [openLayer] }, point);
      const rows = lean.trace.rows[point.hook] ?? [];
      if (point.hook === 'logits') {
        // Only the positions that were sampled: each forward pass's newest.
        expect(rows.length).toBe(n);
        const present = rows.map((_, p) => p).filter((p) => rows[p] !== undefined);
        expect(present).toEqual(Array.from({ length: NEW_TOKENS }, (_, k) => prompt.length - 1 + k));
      } else if (kept) {
        expect(lackingHooks(lean.trace, [point.hook])).toEqual([]);
      } else {
        expect(rows.filter((row) => row !== undefined)).toHaveLength(0);
        continue;
      }
      for (let p = 0; p < n; p++) {
        const row = rows[p];
        if (row) expect(rowDifference(full.trace, point.hook, row, full.trace.rows[point.hook]![p]!)).toBe(0);
      }
    }
  });

  it('each forward pass hands over only the planned tensors', () => {
    const planned = new Set(
      points.filter((point) => planCaptures({ mode: 'lean', layers: [openLayer] }, point)).map((point) => point.hook),
    );
    for (const forward of lean.records) expect(new Set(Object.keys(forward.tensors))).toEqual(planned);
    const everything = new Set(points.map((point) => point.hook));
    for (const forward of full.records) expect(new Set(Object.keys(forward.tensors))).toEqual(everything);
  });

  it('a layer recomputed when opened equals what the full capture recorded (within 1e-5), at every position', async () => {
    const layer = 0;
    const hooks = points.filter((point) => point.layer === layer).map((point) => point.hook);
    expect(lackingHooks(lean.trace, hooks).length).toBeGreaterThan(0);
    const recomputed = await generator.capture(full.ids.slice(0, n), hooks, null);
    lean.recorder.addCaptured(recomputed);
    const trace = lean.recorder.snapshot();
    expect(lackingHooks(trace, hooks)).toEqual([]);
    expect(trace.recomputedHooks).toEqual(expect.arrayContaining(hooks));
    let worst = 0;
    for (const hook of hooks)
      for (let p = 0; p < n; p++)
        worst = Math.max(worst, rowDifference(full.trace, hook, trace.rows[hook]![p]!, full.trace.rows[hook]![p]!));
    expect(worst).toBeLessThan(1e-5);
  });

  it('a layer recomputed alone, from the residual stream the lean run kept, equals the full capture (within 1e-5)', async () => {
    const layer = 1;
    const hooks = points.filter((point) => point.layer === layer).map((point) => point.hook);
    const before = { ...generator.recomputes };
    const recomputed = await generator.capture(full.ids.slice(0, n), hooks, null, 0, cutRowsOf(lean.trace, hooks));
    // It went through the layer's segment, not the whole graph.
    expect(generator.recomputes).toEqual({ full: before.full, segment: before.segment + 1 });
    lean.recorder.addCaptured(recomputed);
    const trace = lean.recorder.snapshot();
    let worst = 0;
    for (const hook of hooks)
      for (let p = 0; p < n; p++)
        worst = Math.max(worst, rowDifference(full.trace, hook, trace.rows[hook]![p]!, full.trace.rows[hook]![p]!));
    expect(worst).toBeLessThan(1e-5);
    // From a position on, only those rows come back.
    const from = n - 2;
    const tail = await generator.capture(
      full.ids.slice(0, n),
      [`blocks.${layer}.attn.hook_pattern`],
      null,
      from,
      cutRowsOf(lean.trace, hooks),
    );
    expect(tail.start).toBe(from);
    expect(tail.tensors[`blocks.${layer}.attn.hook_pattern`]!.dims[0]).toBe(2);
  });

  it('hooks outside the layers, or of too many layers, go through the whole graph', async () => {
    expect(segmentInputs(points, ['logits'])).toBeNull();
    expect(segmentInputs(points, ['blocks.0.hook_mlp_out', 'ln_final.hook_normalized'])).toBeNull();
    const spread = Array.from({ length: SEGMENT_MAX_LAYERS + 1 }, (_, layer) => `blocks.${layer % config.nLayer}.attn.hook_z`);
    if (config.nLayer > SEGMENT_MAX_LAYERS) expect(segmentInputs(points, spread)).toBeNull();
    const before = { ...generator.recomputes };
    const hook = 'blocks.0.attn.hook_z';
    await generator.capture(full.ids.slice(0, n), [hook, 'logits'], null, 0, cutRowsOf(lean.trace, [hook]));
    expect(generator.recomputes).toEqual({ full: before.full + 1, segment: before.segment });
  });

  it('a layer recomputed alone with a head switched off equals a forward pass with it off', async () => {
    const off: Intervention = { heads: ['1.0'], mlps: [] };
    const ids = full.ids.slice(0, n);
    generator.intervene(off);
    const { record: direct } = await generator.forward(ids);
    generator.intervene(null);
    // The ablated run's own residual stream goes in, as a lean run B would have kept it.
    const ablated = new TraceRecorder({ ...full.trace, tokens: full.trace.tokens.slice(0, n), intervention: off });
    ablated.addForward(direct);
    const hooks = ['blocks.1.attn.hook_z', 'blocks.1.hook_resid_post'];
    const recomputed = await generator.capture(ids, hooks, off, 0, cutRowsOf(ablated.snapshot(), hooks));
    for (const hook of hooks) {
      const [a, b] = [recomputed.tensors[hook]!.data, direct.tensors[hook]!.data];
      let max = 0;
      for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
      expect(max).toBeLessThan(1e-5);
    }
    // Head 0 of layer 1 is zero at every position: the intervention reached the segment.
    const z = recomputed.tensors['blocks.1.attn.hook_z']!;
    for (let p = 0; p < n; p++) for (let d = 0; d < config.dHead; d++) expect(z.data[p * config.nHead * config.dHead + d]).toBe(0);
  });

  it('old logits recomputed from a position on equal the full capture’s', async () => {
    const from = 2;
    const recomputed = await generator.capture(full.ids.slice(0, n), ['logits'], null, from);
    expect(recomputed.start).toBe(from);
    expect(recomputed.tensors['logits']!.dims).toEqual([n - from, config.vocabSize]);
    const size = config.vocabSize;
    for (let p = from; p < n; p++) {
      const row = recomputed.tensors['logits']!.data.subarray((p - from) * size, (p - from + 1) * size);
      expect(rowDifference(full.trace, 'logits', row, full.trace.rows['logits']![p]!)).toBeLessThan(1e-5);
    }
  });

  it('opening another layer mid-run captures it from the next forward pass on', async () => {
    const switched = await record(generator, points, config, prompt, (forward) => ({
      mode: 'lean',
      layers: forward < 3 ? [openLayer] : [0],
    }));
    expect(switched.ids).toEqual(full.ids);
    const hook = 'blocks.0.attn.hook_z';
    const rows = switched.trace.rows[hook]!;
    // Forward 3 computes the position after the prompt's pass and two single-token passes.
    const firstKept = prompt.length + 2;
    for (let p = 0; p < n; p++) expect(rows[p] !== undefined).toBe(p >= firstKept);
    for (let p = firstKept; p < n; p++) expect(rowDifference(full.trace, hook, rows[p]!, full.trace.rows[hook]![p]!)).toBe(0);
  });

  it('a recompute with heads switched off equals a forward pass with them off, and leaves the generation’s cache alone', async () => {
    const off: Intervention = { heads: ['0.1'], mlps: [] };
    const ids = full.ids.slice(0, n);
    const hook = `blocks.${config.nLayer - 1}.hook_resid_post`;
    const captured = await generator.capture(ids, [hook], off);
    // The generation's cache was left alone: the next forward pass reuses it and computes only the new position.
    const next = await generator.forward([...ids, full.ids[n]!]);
    expect(next.record.start).toBe(n);
    generator.intervene(off);
    const { record: direct } = await generator.forward(ids);
    generator.intervene(null);
    let max = 0;
    const a = captured.tensors[hook]!.data;
    const b = direct.tensors[hook]!.data;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    expect(max).toBeLessThan(1e-6);
    // …and it did switch the head off: the last layer's output moved away from the unablated run's.
    let moved = 0;
    for (let i = 0; i < a.length; i++)
      moved = Math.max(moved, Math.abs(a[i]! - full.trace.rows[hook]![Math.floor(i / config.dModel)]![i % config.dModel]!));
    expect(moved).toBeGreaterThan(1e-4);
  });
});

/** One forward pass of `ids` recorded as the page records a prompt's pass. */
function traceOf(modelName: string, config: Trace['config'], points: Trace['points'], ids: number[], record: ForwardRecord): Trace {
  const recorder = recorderFor(modelName, config, points, ids);
  recorder.addForward(record);
  return recorder.snapshot();
}

/** A recorder for a run of `ids` as the page starts one (the prompt's tokens named by their ids). */
function recorderFor(modelName: string, config: Trace['config'], points: Trace['points'], ids: number[]): TraceRecorder {
  return new TraceRecorder({
    modelName,
    config,
    points,
    backend: 'wasm',
    fallbackReason: null,
    settings: SETTINGS,
    seed: 7,
    prompt: '',
    truncatedTokens: 0,
    promptLength: ids.length,
    tokens: ids.map((id) => ({ id, piece: `${id}`, bytes: [], text: `${id}`, character: null })),
  });
}

/** Every architecture and stored layout (Qwen2's weights in an external data file), and an fp16 graph (whose
 * segment is fed float16): a layer cut out of the graph computes what the whole graph computes. */
describe.each([
  ...([...OPEN_MODELS, DEEP_MODEL] as FixtureModel[]).map((model) => [model, undefined] as const),
  ['qwen3-tiny', 'onnx/model_fp16.onnx'] as const,
])('%s %s: a layer recomputed alone', (model, graph) => {
  it.each([false, true])(
    'equals the whole graph’s capture of that layer, fed the residual stream the whole graph computed (weights spilled: %s)',
    async (spilled) => {
      const { config, probed, generator, read } = await engine(model, graph, spilled);
      const ids = [101, 2003, 1037, 3231, 999, 42, 7, 11, 5];
      const { record } = await generator.forward(ids);
      const trace = traceOf(model, config, probed.points, ids, record);
      const layer = config.nLayer - 1;
      const hooks = probed.points.filter((point) => point.layer === layer).map((point) => point.hook);
      const recomputed = await generator.capture(ids, hooks, null, 0, cutRowsOf(trace, hooks));
      expect(generator.recomputes.segment).toBe(1);
      for (const hook of hooks) {
        const [a, b] = [recomputed.tensors[hook]!.data, record.tensors[hook]!.data];
        expect(a.length).toBe(b.length);
        let [max, scale] = [0, 0];
        for (let i = 0; i < a.length; i++) {
          if (Number.isFinite(b[i])) scale = Math.max(scale, Math.abs(b[i]!));
          if (a[i] !== b[i]) max = Math.max(max, Math.abs(a[i]! - b[i]!));
        }
        // fp32: 1e-5 (measured: 0). fp16: onnxruntime optimises the segment as a graph of its own, and can fuse
        // differently across the cut (a norm with the residual Add before it exists only in the whole graph); kernels
        // that round at other places differ by an ulp (2⁻¹⁰ of the value) here and there: 4 ulps of the tensor's
        // scale (measured: 1 ulp).
        const tolerance = graph ? 4 * 2 ** (Math.floor(Math.log2(Math.max(scale, 2 ** -14))) - 10) : 1e-5;
        expect(max, hook).toBeLessThan(tolerance);
      }
      // Spilled, the segment read its own layer's weights back from the file, and little more.
      if (spilled) {
        expect(read.bytes).toBeGreaterThan(0);
        expect(read.bytes).toBeLessThan((2 * read.file) / config.nLayer);
      }
    },
  );
});

describe('a layer looked at', () => {
  it('opens its neighbours’ segments after a moment: stepping to one opens nothing more, and computes the same', async () => {
    const { config, probed, generator } = await engine(DEEP_MODEL);
    const ids = [101, 2003, 1037, 3231, 999, 42, 7];
    const { record } = await generator.forward(ids);
    const trace = traceOf(DEEP_MODEL, config, probed.points, ids, record);
    const hooks = (layer: number) => probed.points.filter((point) => point.layer === layer).map((point) => point.hook);
    await generator.capture(ids, hooks(4), null, 0, cutRowsOf(trace, hooks(4)));
    expect(generator.segmentsOpened).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    // Layers 3 and 5 opened in the background.
    expect(generator.segmentsOpened).toBe(3);
    expect([...generator.keptSegments].sort()).toEqual([3, 4, 5]);
    const next = await generator.capture(ids, hooks(5), null, 0, cutRowsOf(trace, hooks(5)));
    expect(generator.segmentsOpened).toBe(3);
    expect(generator.recomputes.segment).toBe(2);
    for (const hook of hooks(5)) expect(maxAbsDifference(next.tensors[hook]!.data, record.tensors[hook]!.data), hook).toBeLessThan(1e-5);
    // Layers asked for one after another: only the last one's neighbours open (8 is kept: 6 alone).
    await generator.capture(ids, hooks(8), null, 0, cutRowsOf(trace, hooks(8)));
    await generator.capture(ids, hooks(2), null, 0, cutRowsOf(trace, hooks(2)));
    await generator.capture(ids, hooks(7), null, 0, cutRowsOf(trace, hooks(7)));
    const opened = generator.segmentsOpened;
    expect(opened).toBe(6);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(generator.segmentsOpened).toBe(opened + 1);
    expect([...generator.keptSegments].sort()).toEqual([6, 7, 8]);
    // While a request runs alone, the neighbours wait.
    generator.idle = () => false;
    await generator.capture(ids, hooks(1), null, 0, cutRowsOf(trace, hooks(1)));
    const waiting = generator.segmentsOpened;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(generator.segmentsOpened).toBe(waiting);
    generator.idle = () => true;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(generator.segmentsOpened).toBe(waiting + 2);
  });
});

describe('which models run lean', () => {
  it('the embedded models capture everything; a model with GPT-2 small’s or Qwen2.5-0.5B’s shapes runs lean', async () => {
    for (const model of EMBEDDED_MODELS) {
      const { config, probed } = await loadEngine(model);
      expect(defaultCaptureMode(config, probed.points)).toBe('all');
    }
    const { config, probed } = await engine('qwen3-tiny');
    const qwen05 = { ...config, nLayer: 24, dModel: 896, nHead: 14, nKvHead: 2, dHead: 64, dMlp: 4864, vocabSize: 151936 };
    const layerPoints = probed.points.filter((point) => point.layer === 0);
    const modelPoints = probed.points.filter((point) => point.layer === null);
    const points = [
      ...modelPoints,
      ...Array.from({ length: 24 }, (_, l) =>
        layerPoints.map((point) => ({ ...point, layer: l, hook: point.hook.replace('blocks.0.', `blocks.${l}.`) })),
      ).flat(),
    ];
    expect(defaultCaptureMode(qwen05, points)).toBe('lean');
    // About 2 MB of activations per position, 1 MB of attention rows at 256 keys, and 600 KB of logits.
    expect(captureBytesPerPosition(qwen05, points) / 2 ** 20).toBeGreaterThan(3);
  });
});
