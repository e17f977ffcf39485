// The precisions transformers.js-ready repositories ship, made from the Qwen3 fixture with onnxruntime's own tools
// (tools/model/open_fixtures.py: float16.convert_float_to_float16 → model_fp16.onnx, quantize_dynamic with uint8
// weights → model_quantized.onnx (q8), MatMulNBitsQuantizer 4-bit blocks of 32 → model_q4.onnx), through the engine
// in Node on onnxruntime-web's WASM backend. Each file's logits are held to onnxruntime CPU running the same file,
// fed the same way (the prompt in one pass, then one cached position per token); its captures are checked to be
// the tensors they claim to be against transformers' fp32 reference.
import { matrixValues } from '../../src/engine/tokenRows';
import { describe, expect, it } from 'vitest';
import { loadLocalFolder } from '../../src/engine/models/folder';
import { probe } from '../../src/engine/probe';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import { TraceRecorder, assembled, rowLayout, type Trace } from '../../src/engine/trace';
import { logitLens } from '../../src/engine/lens';
import { dtypeOfFile } from '../../src/engine/models/precision';
import { causal, openModelFiles, openReference, referenceHook } from './openModels';
import { relativeDistance } from './helpers';
import { cacheDifference, cacheHooks, withinRounding } from '../../src/lesson/questions';

/** How far the app's logits may be from onnxruntime CPU's on the same file.
 * - q8, q4: activations are float32; the integer (MatMulInteger) and 4-bit (MatMulNBits) products are the same
 *   numbers on both, so only float32 rounding separates them, as for fp32: 1e-4 (measured: under 1e-5).
 * - fp16: every activation is rounded to 11 significant bits, and onnxruntime's WASM kernels and its native CPU
 *   kernels round intermediate results at different places; each rounding is half a unit in the last place (ulp)
 *   of the numbers being summed, so a few ulps at the scale of the row (its largest |logit|; a logit near 0 is a
 *   sum of larger terms that cancel): 4 ulps (measured: 1.5 ulps, 0.0117 on rows up to 8–16, where an fp16 ulp is
 *   2⁻⁷ = 0.0078). */
const fp16Ulp = (x: number) => 2 ** (Math.floor(Math.log2(Math.max(Math.abs(x), 2 ** -14))) - 10);
const LOGIT_TOLERANCE: Record<string, (rowScale: number) => number> = {
  'onnx/model_fp16.onnx': (rowScale) => 4 * fp16Ulp(rowScale),
  'onnx/model_quantized.onnx': () => 1e-4,
  'onnx/model_q4.onnx': () => 1e-4,
};

/** Relative RMS distance of each capture from transformers' fp32 value, an identity check (a wrong tensor, a
 * quantized uint8 copy or a scale would be off by 1 or far more): fp16 rounds (measured 0.0013), q8 quantizes
 * activations and weights to 8 bits (0.042), q4 weights to 4 bits in blocks of 32 (0.25 on this 8-wide model). */
const CAPTURE_RELATIVE: Record<string, number> = {
  'onnx/model_fp16.onnx': 0.01,
  'onnx/model_quantized.onnx': 0.1,
  'onnx/model_q4.onnx': 0.5,
};

describe.each(Object.keys(LOGIT_TOLERANCE))('qwen3-tiny %s', async (file) => {
  const reference = openReference('qwen3-tiny');
  const folder = await loadLocalFolder(openModelFiles('qwen3-tiny', file), 'qwen3-tiny');
  const { config } = folder;
  const probed = probe(folder.graph.bytes, folder.graph.file, config);
  const session = await ModelSession.create(probed.bytes, 'wasm');
  const generator = new Generator({ session, probed }, null, config);
  const fp32 = probe(openModelFiles('qwen3-tiny')['onnx/model.onnx']!, 'onnx/model.onnx', config);

  /** The reference's sequence fed as the app feeds it: the prompt, then one cached position per token. */
  async function run(prompt: number[], continuation: number[]): Promise<Trace> {
    const recorder = new TraceRecorder({
      modelName: 'qwen3-tiny',
      config,
      points: probed.points,
      backend: 'wasm',
      fallbackReason: 'forced',
      settings: { temperature: 0, topK: 0, topP: 1 },
      seed: 1,
      prompt: '',
      truncatedTokens: 0,
      promptLength: prompt.length,
      tokens: [],
    });
    generator.reset();
    const ids = [...prompt, ...continuation];
    for (let n = prompt.length; n <= ids.length; n++) recorder.addForward((await generator.forward(ids.slice(0, n))).record);
    return recorder.snapshot();
  }

  it('is read as its precision, with every capture point and the past in the graph’s own type', () => {
    expect(folder.graph.file).toBe(file);
    expect(dtypeOfFile(file)).toBe({ 'onnx/model_fp16.onnx': 'fp16', 'onnx/model_quantized.onnx': 'q8', 'onnx/model_q4.onnx': 'q4' }[file]);
    expect(probed.points.map((p) => p.hook)).toEqual(fp32.points.map((p) => p.hook));
    expect(probed.pastType).toBe(file === 'onnx/model_fp16.onnx' ? 'float16' : 'float32');
    expect(generator.kind).toBe('cached');
  });

  it('reads W_E for the logit lens (a q8 graph’s kept as its 8-bit codes), within one quantization step of the fp32 one', () => {
    const lens = probed.lens!;
    const exact = matrixValues(fp32.lens!.embedding);
    // A q8 graph's W_E stays a byte a value: a quarter of the memory of float32.
    expect(lens.embedding instanceof Float32Array).toBe(file !== 'onnx/model_quantized.onnx');
    const embedding = matrixValues(lens.embedding);
    expect(embedding.length).toBe(exact.length);
    let worst = 0;
    for (let i = 0; i < exact.length; i++)
      worst = Math.max(worst, Math.abs(embedding[i]! - exact[i]!) / (file === 'onnx/model_fp16.onnx' ? fp16Ulp(exact[i]!) : 1));
    if (file === 'onnx/model_fp16.onnx')
      expect(worst).toBeLessThanOrEqual(0.5); // round to nearest: half an ulp
    else if (file === 'onnx/model_quantized.onnx') {
      // quantize_dynamic: one uint8 scale for the whole matrix, (max − min) / 255; rounding is half a step.
      let min = Infinity,
        max = -Infinity;
      for (const value of exact) [min, max] = [Math.min(min, value), Math.max(max, value)];
      const step = (Math.max(max, 0) - Math.min(min, 0)) / 255;
      expect(worst).toBeLessThanOrEqual(step / 2 + 1e-6);
      expect(worst).toBeGreaterThan(0);
    } else expect(worst).toBe(0); // q4 quantizes the MatMuls only; the embedding stays float32
  });

  it('replaces a head’s z by a given vector (mean ablation) at every position, in the graph’s own type', async () => {
    const ids = reference.prompts[0]!.input_ids;
    // Quarters are exact in float16 too: the captured z must be the vector itself, whatever the precision.
    const vector = Array.from({ length: config.dHead }, (_, i) => (i - config.dHead / 2) / 4);
    generator.intervene(null);
    const plain = (await generator.forward(ids)).lastLogits;
    generator.intervene({ heads: ['1.1'], mlps: [], means: { '1.1': vector } });
    const { record, lastLogits } = await generator.forward(ids);
    generator.intervene(null);
    const z = record.tensors['blocks.1.attn.hook_z']!.data;
    const rowSize = z.length / ids.length;
    for (let p = 0; p < ids.length; p++)
      expect(Array.from(z.subarray(p * rowSize + config.dHead, p * rowSize + 2 * config.dHead))).toEqual(vector);
    expect(lastLogits.some((logit, i) => Math.abs(logit - plain[i]!) > 1e-3)).toBe(true);
  });

  it('says how it rounds its activations, and a KV-cache check on it finds only that rounding', async () => {
    expect(probed.rounding).toBe(
      { 'onnx/model_fp16.onnx': 'float16', 'onnx/model_quantized.onnx': 'int8', 'onnx/model_q4.onnx': 'float32' }[file],
    );
    expect(fp32.rounding).toBe('float32');
    const entry = reference.prompts[0]!;
    const trace = await run(entry.input_ids, entry.generated.slice(0, -1));
    const ids = [...entry.input_ids, ...entry.generated.slice(0, -1)];
    generator.reset();
    const recomputed = (await generator.forward(ids)).record.tensors;
    const hooks = [...cacheHooks(trace), ...Array.from({ length: config.nLayer }, (_, l) => `blocks.${l}.hook_resid_post`)];
    const { relative } = cacheDifference(trace, recomputed, hooks);
    expect(withinRounding(relative, probed.rounding)).toBe(true);
    // q8 rounds each pass's activations to steps of that pass's own range: a recompute differs by far more than
    // float32 rounding, which a float32 threshold would call a different result.
    if (file === 'onnx/model_quantized.onnx') expect(withinRounding(relative, 'float32')).toBe(false);
  });

  for (const [index, entry] of reference.prompts.entries()) {
    it(`“${entry.prompt}”: logits equal onnxruntime CPU on the same file, and every capture is the tensor it names`, async () => {
      const expected = reference.precisions[file]![index]!;
      const trace = await run(entry.input_ids, entry.generated.slice(0, -1));
      const logits = assembled(trace, 'logits').data;
      const width = expected.logitIds.length;
      let worst = 0;
      for (let p = 0; p < entry.positions; p++) {
        const row = expected.logits.subarray(p * width, (p + 1) * width);
        const tolerance = LOGIT_TOLERANCE[file]!(row.reduce((max, value) => Math.max(max, Math.abs(value)), 0));
        row.forEach(
          (want, k) => (worst = Math.max(worst, Math.abs(logits[p * config.vocabSize + expected.logitIds[k]!]! - want) / tolerance)),
        );
      }
      expect(worst).toBeLessThanOrEqual(1);
      for (const point of trace.points.filter((p) => p.hook !== 'logits')) {
        const actual = assembled(trace, point.hook);
        expect(actual.data).toBeInstanceOf(Float32Array);
        const want = entry.captures[referenceHook(point.hook)]!;
        expect(actual.dims, point.hook).toEqual(want.shape);
        const attention = rowLayout(point.layout) === 'attention';
        const distance = relativeDistance(
          attention ? causal(actual.data, actual.dims) : actual.data,
          attention ? causal(want.data, want.shape) : want.data,
        );
        expect(distance, point.hook).toBeLessThan(CAPTURE_RELATIVE[file]!);
      }
      // The lens from the dequantized W_E tracks the file's own logits as closely as its captures track fp32.
      const n = entry.positions;
      const last = trace.rows[`blocks.${config.nLayer - 1}.hook_resid_post`]![n - 1]!;
      expect(relativeDistance(logitLens(last, probed.lens!), trace.rows['logits']![n - 1]!)).toBeLessThan(CAPTURE_RELATIVE[file]!);
    });
  }
});
