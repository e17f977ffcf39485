/** The unembedding W_U, read from the graph: the weight of the node that makes the `logits` output (the lm_head),
 * whatever form the file stores it in, as float32 [vocab × d_model] (one row per token, as W_E is stored).
 *
 * - MatMul (fp32, fp16): its weight B [d_model, vocab], an initializer, a Transpose of one, or a DequantizeLinear of
 *   one; a B that is the token embedding (through Transpose, DequantizeLinear or Cast) means the lm_head is tied.
 * - MatMulInteger (q8, onnxruntime's quantize_dynamic): B uint8 [d_model, vocab] with its zero point; its scale is
 *   the weight's factor of the Mul that scales the integer product (Cast → Mul by activation scale · weight scale).
 * - MatMulNBits (q4, q4f16): B [vocab, blocks, block_size · bits / 8], element k of a block in bits k·bits…, low bits
 *   first; one scale per block; zero points packed the same way per row (absent: 2^(bits − 1));
 *   W_U[n, k] = (q − zero) · scale, the last block padded past d_model.
 * - MatMulBnb4 (bnb4): the weight [vocab, d_model] flattened (transB, the default) in blocks of block_size, two
 *   4-bit codes a byte (the first in the high nibble), each a value of bitsandbytes' NF4 or FP4 table times its
 *   block's absmax.
 * Anything else (a bias on the lm_head, float zero points, MatMulNBits' g_idx) is not read: null. */
import type { onnx } from 'onnx-proto';
import { initializerBytes, initializerDims, initializerValues, intAttribute, type GraphIndex } from './graph';

export type Unembedding =
  /** The lm_head reads the token embedding itself: W_U = W_Eᵀ. */
  { tied: true } | { tied: false; matrix: Float32Array; storedAs: string };

/** Nodes between the lm_head's product and the `logits` output: a q8 graph's Cast and rescaling Mul. */
const PASSING = new Set(['Cast', 'Mul']);
const PRODUCTS = new Set(['MatMul', 'Gemm', 'MatMulInteger', 'MatMulNBits', 'MatMulBnb4']);

/** The node whose product the logits are. */
export function lmHeadNode(index: GraphIndex): onnx.INodeProto | null {
  let node = index.producer.get('logits') ?? null;
  for (let steps = 0; node && !PRODUCTS.has(node.opType ?? '') && steps < 4; steps++) {
    if (!PASSING.has(node.opType ?? '')) return null;
    node =
      (node.input ?? [])
        .map((input) => index.producer.get(input))
        .find((p) => p && (PRODUCTS.has(p.opType ?? '') || PASSING.has(p.opType ?? ''))) ?? null;
  }
  return node && PRODUCTS.has(node.opType ?? '') ? node : null;
}

/** W_U of the graph, or null when its lm_head is in a form not read here. `embedding`: the initializer the token
 * embedding's Gather reads. */
export function readUnembedding(index: GraphIndex, embedding: string, vocab: number, dModel: number): Unembedding | null {
  const node = lmHeadNode(index);
  if (!node) return null;
  const weight = node.input?.[1] ?? '';
  if (node.opType === 'MatMul' || node.opType === 'Gemm') {
    if (sourceInitializer(index, weight) === embedding) return { tied: true };
    if (node.opType === 'Gemm' && (node.input?.[2] || intAttribute(node, 'transA', 0))) return null; // a bias
    const transposed = node.opType === 'Gemm' && intAttribute(node, 'transB', 0) === 1;
    const matrix = floatWeight(index, weight, transposed, vocab, dModel);
    return matrix && { tied: false, matrix, storedAs: node.opType };
  }
  const read = { MatMulInteger: integerWeight, MatMulNBits: nBitsWeight, MatMulBnb4: bnb4Weight }[node.opType as 'MatMulInteger'];
  const matrix = read(index, node, vocab, dModel);
  return matrix && { tied: false, matrix, storedAs: node.opType! };
}

/** The initializer a tensor comes from through Transpose, DequantizeLinear, Cast and Identity nodes, or null. */
function sourceInitializer(index: GraphIndex, tensor: string): string | null {
  for (let steps = 0; steps < 8; steps++) {
    if (index.initializers.has(tensor)) return tensor;
    const producer = index.producer.get(tensor);
    if (!producer || !['Transpose', 'DequantizeLinear', 'Cast', 'Identity'].includes(producer.opType ?? '')) return null;
    tensor = producer.input?.[0] ?? '';
  }
  return null;
}

/** A float weight as [vocab × d_model]: an initializer [d_model, vocab] (or [vocab, d_model] when `transposed`),
 * through a Transpose, or a DequantizeLinear of one (one scale, or one per column of the stored matrix). */
function floatWeight(index: GraphIndex, tensor: string, transposed: boolean, vocab: number, dModel: number): Float32Array | null {
  let stored: Float32Array | null = null;
  let dims: number[] | null = null;
  const producer = index.producer.get(tensor);
  if (index.initializers.has(tensor)) {
    stored = initializerValues(index, tensor);
    dims = initializerDims(index, tensor);
  } else if (producer?.opType === 'Transpose' && index.initializers.has(producer.input?.[0] ?? '')) {
    const perm = producer.attribute?.find((attribute) => attribute.name === 'perm')?.ints?.map(Number);
    if (perm && !(perm[0] === 1 && perm[1] === 0)) return null;
    return floatWeight(index, producer.input![0]!, !transposed, vocab, dModel);
  } else if (producer?.opType === 'DequantizeLinear' && index.initializers.has(producer.input?.[0] ?? '')) {
    dims = initializerDims(index, producer.input![0]!);
    stored = dequantizeLinear(index, producer, dims);
  }
  if (!stored || !dims || dims.length !== 2 || stored.length !== vocab * dModel) return null;
  const [rows, columns] = dims as [number, number];
  if (transposed) return rows === vocab && columns === dModel ? stored : null;
  if (rows !== dModel || columns !== vocab) return null;
  const matrix = new Float32Array(vocab * dModel);
  for (let k = 0; k < dModel; k++) for (let n = 0; n < vocab; n++) matrix[n * dModel + k] = stored[k * vocab + n]!;
  return matrix;
}

/** ONNX DequantizeLinear of a 2-D initializer: (q − zero point) · scale, per tensor or per `axis`. */
function dequantizeLinear(index: GraphIndex, node: onnx.INodeProto, dims: number[] | null): Float32Array | null {
  const q = initializerValues(index, node.input?.[0] ?? '');
  const scale = initializerValues(index, node.input?.[1] ?? '');
  const zero = node.input?.[2] ? initializerValues(index, node.input[2]) : new Float32Array(1);
  if (!q || !scale || !zero || !dims || dims.length !== 2 || intAttribute(node, 'block_size', 0)) return null;
  const axis = (intAttribute(node, 'axis', 1) + 2) % 2;
  if (scale.length !== 1 && scale.length !== dims[axis]) return null;
  const index2d = (i: number) => (scale.length === 1 ? 0 : axis === 1 ? i % dims[1]! : Math.floor(i / dims[1]!));
  return q.map((value, i) => (value - zero[zero.length === 1 ? 0 : index2d(i)]!) * scale[index2d(i)]!);
}

/** quantize_dynamic's MatMulInteger: B uint8 [d_model, vocab], its zero point, and the weight scale of the Mul that
 * makes (activation scale · weight scale). */
function integerWeight(index: GraphIndex, node: onnx.INodeProto, vocab: number, dModel: number): Float32Array | null {
  const [, b, , zeroName] = node.input ?? [];
  const q = initializerValues(index, b ?? '');
  const zero = zeroName ? initializerValues(index, zeroName) : new Float32Array(1);
  const dims = initializerDims(index, b ?? '');
  const cast = (index.consumers.get(node.output?.[0] ?? '') ?? []).find((c) => c.opType === 'Cast');
  const rescale = (index.consumers.get(cast?.output?.[0] ?? '') ?? []).find((c) => c.opType === 'Mul');
  const scales = index.producer.get((rescale?.input ?? []).find((input) => input !== cast?.output?.[0]) ?? '');
  const scaleName = scales?.opType === 'Mul' ? (scales.input ?? []).find((input) => index.initializers.has(input)) : undefined;
  const scale = scaleName ? initializerValues(index, scaleName) : null;
  if (!q || !zero || !scale || dims?.[0] !== dModel || dims[1] !== vocab) return null;
  if ((scale.length !== 1 && scale.length !== vocab) || (zero.length !== 1 && zero.length !== vocab)) return null;
  const matrix = new Float32Array(vocab * dModel);
  for (let k = 0; k < dModel; k++) {
    for (let n = 0; n < vocab; n++) {
      matrix[n * dModel + k] = (q[k * vocab + n]! - zero[zero.length === 1 ? 0 : n]!) * scale[scale.length === 1 ? 0 : n]!;
    }
  }
  return matrix;
}

/** MatMulNBits (com.microsoft): blockwise 2-, 4- or 8-bit codes with a scale (and zero point) per block. */
function nBitsWeight(index: GraphIndex, node: onnx.INodeProto, vocab: number, dModel: number): Float32Array | null {
  const [, b, scalesName, zeroName, gIndex, bias] = node.input ?? [];
  const K = intAttribute(node, 'K', 0);
  const N = intAttribute(node, 'N', 0);
  const bits = intAttribute(node, 'bits', 4);
  const block = intAttribute(node, 'block_size', 0);
  if (K !== dModel || N !== vocab || ![2, 4, 8].includes(bits) || block <= 0 || gIndex || bias) return null;
  const blocks = Math.ceil(K / block);
  const rowBytes = (block * bits) / 8;
  const codes = initializerBytes(index, b ?? '');
  const scales = initializerValues(index, scalesName ?? '');
  // Zero points: uint8, packed as the codes are (a row of `blocks` of them); float zero points are not read.
  const zeros = zeroName ? initializerBytes(index, zeroName) : null;
  if (!codes || codes.length !== N * blocks * rowBytes || scales?.length !== N * blocks || (zeroName && !zeros)) return null;
  const zeroRowBytes = Math.ceil((blocks * bits) / 8);
  if (zeros && zeros.length !== N * zeroRowBytes) return null;
  const mask = (1 << bits) - 1;
  const code = (bytes: Uint8Array, start: number, i: number) => (bytes[start + ((i * bits) >> 3)]! >> ((i * bits) & 7)) & mask;
  const matrix = new Float32Array(vocab * dModel);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < blocks; j++) {
      const scale = scales[n * blocks + j]!;
      const zero = zeros ? code(zeros, n * zeroRowBytes, j) : 1 << (bits - 1);
      const start = (n * blocks + j) * rowBytes;
      for (let i = 0; i < block && j * block + i < K; i++) matrix[n * dModel + j * block + i] = (code(codes, start, i) - zero) * scale;
    }
  }
  return matrix;
}

/** bitsandbytes' 4-bit code tables, as onnxruntime's MatMulBnb4 kernel has them. */
const NF4 = Float32Array.from([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495,
  0.0, 0.07958029955625534, 0.16093020677566528, 0.24611230449676514, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1.0,
]);
const FP4 = Float32Array.from([
  0.0, 0.005208333333, 0.66666667, 1.0, 0.33333333, 0.5, 0.16666667, 0.25, -0.0, -0.005208333333, -0.66666667, -1.0, -0.33333333, -0.5,
  -0.16666667, -0.25,
]);

/** MatMulBnb4 (com.microsoft): NF4 (quant_type 1) or FP4 (0) codes with one absmax per block. */
function bnb4Weight(index: GraphIndex, node: onnx.INodeProto, vocab: number, dModel: number): Float32Array | null {
  const K = intAttribute(node, 'K', 0);
  const N = intAttribute(node, 'N', 0);
  const block = intAttribute(node, 'block_size', 0);
  const type = intAttribute(node, 'quant_type', -1);
  const transB = intAttribute(node, 'transB', 1);
  const packed = initializerBytes(index, node.input?.[1] ?? '');
  const absmax = initializerValues(index, node.input?.[2] ?? '');
  const table = type === 1 ? NF4 : type === 0 ? FP4 : null;
  if (
    K !== dModel ||
    N !== vocab ||
    block <= 0 ||
    !table ||
    !packed ||
    packed.length !== Math.ceil((N * K) / 2) ||
    absmax?.length !== Math.ceil((N * K) / block)
  )
    return null;
  const matrix = new Float32Array(vocab * dModel);
  for (let i = 0; i < N * K; i++) {
    const byte = packed[i >> 1]!;
    const value = table[i & 1 ? byte & 15 : byte >> 4]! * absmax[Math.floor(i / block)]!;
    // transB (the default): element i is W_U[n, k] with i = n·K + k; otherwise the stored matrix is [K, N].
    matrix[transB ? i : (i % N) * K + Math.floor(i / N)] = value;
  }
  return matrix;
}
