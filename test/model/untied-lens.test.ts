// The logit lens of a model whose lm_head is a matrix of its own (tie_word_embeddings false, as Qwen2.5-7B and
// Llama 3.1 8B have it), and the embedding and lm_head of every precision transformers.js repositories ship, read
// from the graph: the untied Qwen2 fixture (tools/model/open_fixtures.py, qwen2-untied-tiny) in fp32 (MatMul), q8
// (quantize_dynamic: MatMulInteger), q4f16 (MatMulNBits with float16 scales, on a float16 graph) and bnb4
// (MatMulBnb4, NF4), through the engine in Node on onnxruntime-web's WASM backend.
// References: transformers' own final norm and lm_head (fp32), and numpy's reading of each file's initializers
// (tools/model/unembedding_reference.py, itself checked there against onnxruntime running the quantized lm_head on
// an identity matrix); each file's logits from onnxruntime CPU on the same file.
import { matrixValues } from '../../src/engine/tokenRows';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { loadLocalFolder } from '../../src/engine/models/folder';
import { probe } from '../../src/engine/probe';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import { TraceRecorder, assembled, rowLayout, type Trace } from '../../src/engine/trace';
import { logitLens, type LensParameters } from '../../src/engine/lens';
import { dtypeOfFile } from '../../src/engine/models/precision';
import { maxAbsDifference, relativeDistance } from './helpers';
import { causal, openModelFiles, openReference, referenceHook, type MatrixDigest } from './openModels';

const MODEL = 'qwen2-untied-tiny';
const reference = openReference(MODEL);
const FILES = ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'onnx/model_q4f16.onnx', 'onnx/model_bnb4.onnx'] as const;

/** How each file stores its embedding and lm_head, as numpy found them: the forms this test is about. */
const STORED_AS: Record<(typeof FILES)[number], { embedding: RegExp; lm_head: RegExp }> = {
  'onnx/model.onnx': { embedding: /^Gather \(float32\)$/, lm_head: /^MatMul \(float32\)$/ },
  'onnx/model_quantized.onnx': { embedding: /^Gather \+ DequantizeLinear \(uint8\)$/, lm_head: /^MatMulInteger \(uint8\)$/ },
  'onnx/model_q4f16.onnx': { embedding: /^Gather \(float16\)$/, lm_head: /^MatMulNBits \(4-bit, blocks of 16, float16 scales\)$/ },
  'onnx/model_bnb4.onnx': { embedding: /^Gather \(float32\)$/, lm_head: /^MatMulBnb4 \(NF4, blocks of 64\)$/ },
};

const sha256 = (matrix: Float32Array) =>
  createHash('sha256')
    .update(Buffer.from(matrix.buffer, matrix.byteOffset, matrix.byteLength))
    .digest('hex');

/** The matrix equals numpy's reading: the same float32 bytes (SHA-256), and every sampled row exactly. */
function expectMatrix(matrix: Float32Array, digest: MatrixDigest, dModel: number) {
  const rows = Float32Array.from(digest.rows.flatMap((row) => Array.from(matrix.subarray(row * dModel, (row + 1) * dModel))));
  expect(maxAbsDifference(rows, digest.values)).toBe(0);
  expect(sha256(matrix)).toBe(digest.sha256);
}

/** The lens at every position of a [positions, d_model] residual, at the sampled ids. */
function lensAt(residual: Float32Array, lens: LensParameters, ids: number[]): Float32Array {
  const positions = residual.length / lens.dModel;
  const out: number[] = [];
  for (let p = 0; p < positions; p++) {
    const logits = logitLens(residual.subarray(p * lens.dModel, (p + 1) * lens.dModel), lens);
    out.push(...ids.map((id) => logits[id]!));
  }
  return Float32Array.from(out);
}

describe.each(FILES)(`${MODEL} %s: the embedding and the untied lm_head, read from the graph`, async (file) => {
  const folder = await loadLocalFolder(openModelFiles(MODEL, file), MODEL);
  const { config } = folder;
  const probed = probe(folder.graph.bytes, folder.graph.file, config, folder.graph.externalData);
  const weights = reference.weights[file]!;
  const lens = probed.lens!;

  it('is the precision it is named for, stored in the form this test is about, with its own lm_head', () => {
    expect(config.tieWordEmbeddings).toBe(false);
    expect(dtypeOfFile(file)).toBe(
      { 'onnx/model.onnx': 'fp32', 'onnx/model_quantized.onnx': 'q8', 'onnx/model_q4f16.onnx': 'q4f16', 'onnx/model_bnb4.onnx': 'bnb4' }[
        file
      ],
    );
    expect(weights.storedAs.embedding).toMatch(STORED_AS[file].embedding);
    expect(weights.storedAs.lm_head).toMatch(STORED_AS[file].lm_head);
    expect(lens).not.toBeNull();
    expect(lens.unembedding).toHaveLength(config.vocabSize * config.dModel);
  });

  it('dequantizes W_E and W_U exactly as numpy does from the file’s initializers (every value, bit for bit)', () => {
    expectMatrix(matrixValues(lens.embedding), weights.embedding, config.dModel);
    expectMatrix(lens.unembedding!, weights.unembedding, config.dModel);
  });

  it('its lens on transformers’ residual stream equals the lens numpy computes with the file’s own norm and lm_head', () => {
    const entry = reference.prompts[0]!;
    for (const [hook, expected] of Object.entries(weights.lens)) {
      const got = lensAt(entry.captures[hook]!.data, lens, entry.logitIds);
      // float32 products summed in double (the app) vs in float64 from float32 inputs (numpy): rounding only.
      expect(maxAbsDifference(got, expected), hook).toBeLessThan(1e-5);
    }
  });

  if (file === 'onnx/model.onnx') {
    it('fp32: its lens equals transformers’ own final norm and lm_head, on transformers’ residual stream and on the app’s', async () => {
      const session = await ModelSession.create(probed.bytes, 'wasm', 'forced', folder.graph.externalData);
      const generator = new Generator({ session, probed }, null, config);
      for (const entry of reference.prompts) {
        const trace = await run(generator, probed, config, entry.input_ids, entry.generated.slice(0, -1));
        for (const [hook, expected] of Object.entries(entry.lens!)) {
          expect(maxAbsDifference(lensAt(entry.captures[hook]!.data, lens, entry.logitIds), expected), hook).toBeLessThan(1e-5);
          const rows = trace.rows[hook]!;
          const own = Float32Array.from(rows.flatMap((row) => Array.from(row)));
          expect(maxAbsDifference(lensAt(own, lens, entry.logitIds), expected), hook).toBeLessThan(1e-4);
        }
        // W_E in its place would be another lens altogether (the two matrices are independent random draws).
        const last = `blocks.${config.nLayer - 1}.hook_resid_post`;
        const withEmbedding = lensAt(entry.captures[last]!.data, { ...lens, unembedding: undefined }, entry.logitIds);
        expect(relativeDistance(withEmbedding, entry.lens![last]!)).toBeGreaterThan(0.5);
      }
    });
  } else {
    it('runs: logits equal onnxruntime CPU on the same file, every capture is the tensor it names, and the lens of the last layer is the file’s own logits', async () => {
      const session = await ModelSession.create(probed.bytes, 'wasm', 'forced', folder.graph.externalData);
      const generator = new Generator({ session, probed }, null, config);
      expect(generator.kind).toBe('cached');
      expect(probed.pastType).toBe(file === 'onnx/model_q4f16.onnx' ? 'float16' : 'float32');
      for (const [index, entry] of reference.prompts.entries()) {
        const expected = reference.precisions[file]![index]!;
        const trace = await run(generator, probed, config, entry.input_ids, entry.generated.slice(0, -1));
        const logits = assembled(trace, 'logits').data;
        const width = expected.logitIds.length;
        for (let p = 0; p < entry.positions; p++) {
          const row = expected.logits.subarray(p * width, (p + 1) * width);
          const got = Float32Array.from(expected.logitIds, (id) => logits[p * config.vocabSize + id]!);
          // q8, bnb4: float32 activations, the same integer or 4-bit products: float rounding (1e-4). q4f16: float16
          // activations, rounded at other places by the WASM and the native kernels: 4 ulps of the row's scale.
          const scale = row.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
          const tolerance = file === 'onnx/model_q4f16.onnx' ? 4 * 2 ** (Math.floor(Math.log2(scale)) - 10) : 1e-4;
          expect(maxAbsDifference(got, row), `position ${p}`).toBeLessThan(tolerance);
        }
        for (const point of trace.points.filter((p) => p.hook !== 'logits')) {
          const actual = assembled(trace, point.hook);
          const want = entry.captures[referenceHook(point.hook)]!;
          expect(actual.dims, point.hook).toEqual(want.shape);
          const attention = rowLayout(point.layout) === 'attention';
          // An identity check against transformers' fp32 (a wrong tensor would be off by 1 or more): 4-bit weights
          // of a 20-wide model move activations by up to a few tens of percent.
          expect(
            relativeDistance(
              attention ? causal(actual.data, actual.dims) : actual.data,
              attention ? causal(want.data, want.shape) : want.data,
            ),
            point.hook,
          ).toBeLessThan(0.5);
        }
        // The last layer's lens is the file's own logits: for q4f16 and bnb4, whose lm_head multiplies float
        // activations by the dequantized weight, within float rounding; q8 also quantizes the activation to 8 bits.
        const n = entry.positions;
        const last = trace.rows[`blocks.${config.nLayer - 1}.hook_resid_post`]![n - 1]!;
        const own = trace.rows['logits']![n - 1]!;
        const distance = relativeDistance(logitLens(last, lens), own);
        expect(distance).toBeLessThan(
          { 'onnx/model_quantized.onnx': 0.05, 'onnx/model_q4f16.onnx': 0.01, 'onnx/model_bnb4.onnx': 1e-5 }[file],
        );
      }
    });
  }
});

/** The reference's sequence fed as the app feeds it: the prompt, then one cached position per token. */
async function run(
  generator: Generator,
  probed: ReturnType<typeof probe>,
  config: Trace['config'],
  prompt: number[],
  continuation: number[],
): Promise<Trace> {
  const recorder = new TraceRecorder({
    modelName: MODEL,
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
