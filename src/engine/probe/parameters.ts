/** How many parameters a model has, counted from the weights its graph stores (not from a formula over the config):
 * what PyTorch's `sum(p.numel() for p in model.parameters())` says for the model the graph was exported from.
 *
 * - Float initializers (fp32, fp16, bf16) count their elements; a single number is an exporter's constant, not a
 *   weight.
 * - Quantized weights count the numbers they stand for: an 8-bit weight one per byte (MatMulInteger, Gather,
 *   DequantizeLinear); a 4-bit weight packed in blocks (MatMulNBits, MatMulBnb4) K × N from the node, padding
 *   left out; GatherBlockQuantized's packed codes 8 / bits a byte. Their scales and zero points are how the numbers
 *   are stored, not parameters of their own.
 * - Parameters the exporter merged because their values were equal (fresh zero biases, LayerNorm weights of one)
 *   stay parameters of their own: each Identity that stands for one counts it again.
 * - A tied model's lm_head is the embedding: counted once, as PyTorch counts a tied weight, also when the export
 *   stored a copy of it (constant folding unties it) or reads it through an Identity. */
import { onnx } from 'onnx-proto';
import type { ModelConfig } from '../models/config';
import { intAttribute, type GraphIndex } from './graph';
import { lmHeadNode } from './unembedding';

const FLOATS = new Set<number>([
  onnx.TensorProto.DataType.FLOAT,
  onnx.TensorProto.DataType.FLOAT16,
  onnx.TensorProto.DataType.BFLOAT16,
  onnx.TensorProto.DataType.DOUBLE,
]);
/** 8-bit codes, and 4-bit ones (UINT4 21 and INT4 22 in ONNX 1.16: newer than onnx-proto's list, and counted by
 * their dims, which give the number of codes). */
const INTEGERS = new Set<number>([onnx.TensorProto.DataType.UINT8, onnx.TensorProto.DataType.INT8, 21, 22]);
/** The inputs that hold a quantized weight's codes, by node type. */
const CODES: Record<string, number> = { MatMulInteger: 1, Gather: 0, DequantizeLinear: 0 };
/** Packed 4-bit weights whose node says how many numbers they hold (attributes K and N). */
const PACKED = new Set(['MatMulNBits', 'MatMulBnb4']);
/** The inputs that hold how a weight is stored (scales, zero points, a block's absmax), by node type. */
const STORAGE: Record<string, readonly number[]> = {
  MatMulNBits: [2, 3],
  MatMulBnb4: [2],
  DequantizeLinear: [1, 2],
  QuantizeLinear: [1, 2],
  GatherBlockQuantized: [2, 3],
  MatMulInteger: [2, 3],
};

export function countParameters(index: GraphIndex, config: ModelConfig): number {
  const head = config.tieWordEmbeddings ? lmHeadWeightPath(index) : new Set<string>();
  const copy = tiedCopy(index, config, head);
  const tensors = new Map((index.model.graph!.initializer ?? []).map((tensor) => [tensor.name ?? '', tensor]));
  let total = 0;
  for (const [name, tensor] of tensors) if (name !== copy) total += parametersIn(index, tensor);
  for (const node of index.nodes) {
    const source = tensors.get(node.input?.[0] ?? '');
    if (node.opType !== 'Identity' || !source || head.has(node.output?.[0] ?? '')) continue;
    total += parametersIn(index, source);
  }
  return total;
}

function parametersIn(index: GraphIndex, tensor: onnx.ITensorProto): number {
  const elements = (tensor.dims ?? []).reduce<number>((size, dim) => size * Number(dim), 1);
  const uses = (index.consumers.get(tensor.name ?? '') ?? []).map((node) => ({
    node,
    slot: (node.input ?? []).indexOf(tensor.name ?? ''),
  }));
  const packed = uses.find(({ node, slot }) => PACKED.has(node.opType ?? '') && slot === 1);
  if (packed) return intAttribute(packed.node, 'K', 0) * intAttribute(packed.node, 'N', 0);
  const type = tensor.dataType ?? onnx.TensorProto.DataType.FLOAT;
  const gathered = uses.find(({ node, slot }) => node.opType === 'GatherBlockQuantized' && slot === 0);
  if (gathered) return type === onnx.TensorProto.DataType.UINT8 ? elements * (8 / intAttribute(gathered.node, 'bits', 4)) : elements;
  if (uses.length > 0 && uses.every(({ node, slot }) => STORAGE[node.opType ?? '']?.includes(slot))) return 0;
  if (FLOATS.has(type)) return elements > 1 ? elements : 0;
  if (INTEGERS.has(type) && uses.some(({ node, slot }) => CODES[node.opType ?? ''] === slot)) return elements;
  return 0; // shapes, indices, masks, zero points
}

/** The tensors from the lm_head's weight back to the initializer it is read from (through Transpose, Cast,
 * DequantizeLinear, Identity). */
function lmHeadWeightPath(index: GraphIndex): Set<string> {
  const path = new Set<string>();
  let tensor = lmHeadNode(index)?.input?.[1] ?? '';
  for (let steps = 0; tensor && steps < 8 && !index.initializers.has(tensor); steps++) {
    path.add(tensor);
    const producer = index.producer.get(tensor);
    if (!producer || !['Transpose', 'DequantizeLinear', 'Cast', 'Identity'].includes(producer.opType ?? '')) break;
    tensor = producer.input?.[0] ?? '';
  }
  if (tensor) path.add(tensor);
  return path;
}

/** The initializer a tied model's lm_head reads when it is not the embedding itself (a copy the export made), or
 * null. */
function tiedCopy(index: GraphIndex, config: ModelConfig, head: Set<string>): string | null {
  if (!config.tieWordEmbeddings) return null;
  const weight = [...head].find((tensor) => index.initializers.has(tensor));
  if (!weight) return null;
  const embeddings = (index.model.graph!.initializer ?? []).filter(
    (tensor) =>
      Number(tensor.dims?.[0] ?? 0) === config.vocabSize &&
      (index.consumers.get(tensor.name ?? '') ?? []).some(
        (node) => (node.opType === 'Gather' || node.opType === 'GatherBlockQuantized') && node.input?.[0] === tensor.name,
      ),
  );
  return embeddings.length > 0 && !embeddings.some((tensor) => tensor.name === weight) ? weight : null;
}
