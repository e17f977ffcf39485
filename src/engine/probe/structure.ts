import type { onnx } from 'onnx-proto';
import { nodesIn, type GraphIndex } from './graph';

/** Structural look-ups shared by the architecture adapters. */

/** A tensor computed from the input, not a weight: neither an initializer, nor a Constant, nor an Identity of an
 * initializer (torch's exporter merges equal parameters, e.g. fresh all-one norm weights, into Identity nodes). */
export const isData = (index: GraphIndex, tensor: string) => {
  if (tensor === '' || index.initializers.has(tensor)) return false;
  const producer = index.producer.get(tensor);
  if (producer?.opType === 'Constant') return false;
  return !(producer?.opType === 'Identity' && index.initializers.has(producer.input?.[0] ?? ''));
};

/** The one data tensor a scope reads from outside itself (the input of a LayerNorm or a linear layer). */
export function scopeInput(index: GraphIndex, scope: string): string | null {
  const inside = new Set(nodesIn(index, scope));
  const inputs = new Set<string>();
  for (const node of inside) {
    for (const input of node.input ?? []) {
      const producer = index.producer.get(input);
      if (isData(index, input) && (!producer || !inside.has(producer))) inputs.add(beforeQuantization(index, input));
    }
  }
  return inputs.size === 1 ? [...inputs][0]! : null;
}

/** A q8 graph's MatMulInteger reads its input quantized (DynamicQuantizeLinear: the uint8 values, their scale and
 * zero point): all three stand for the float tensor that was quantized. */
export function beforeQuantization(index: GraphIndex, tensor: string): string {
  const producer = index.producer.get(tensor);
  return producer?.opType === 'DynamicQuantizeLinear' ? (producer.input?.[0] ?? tensor) : tensor;
}

/** The residual Add that consumes `stream`: its output is the new stream, its other input the branch's output. */
export function residualAdd(index: GraphIndex, stream: string | null, normScope: string) {
  if (!stream) return null;
  const same = passedThrough(index, stream);
  const add = same
    .flatMap((tensor) => index.consumers.get(tensor) ?? [])
    .find((node) => node.opType === 'Add' && !(node.name ?? '').startsWith(normScope));
  if (!add) return null;
  const branch = (add.input ?? []).find((input) => !same.includes(input));
  return { sum: add.output?.[0] ?? null, branch };
}

/** A tensor and the outputs of the Casts that read it: the same values (Hugging Face's RMSNorm casts its input to
 * float32 first, a no-op torch still records, and the residual Add reads the cast). */
export function passedThrough(index: GraphIndex, tensor: string): string[] {
  const casts = (index.consumers.get(tensor) ?? []).filter((node) => node.opType === 'Cast');
  return [tensor, ...casts.flatMap((node) => passedThrough(index, node.output?.[0] ?? ''))];
}

/** One attention's tensors (null where not found). */
export interface AttentionTensors {
  q: string | null;
  k: string | null;
  v: string | null;
  unmaskedScores: string | null;
  maskedScores: string | null;
  pattern: string | null;
  z: string | null;
  /** K is [1, T, H, X] (the `tokenHeads` layout), not heads-first [1, H, S, X]. */
  kTokensFirst: boolean;
}

export function attentionTensors(index: GraphIndex, scope: string): AttentionTensors {
  const softmax = nodesIn(index, scope).find((node) => node.opType === 'Softmax');
  const result: AttentionTensors = {
    q: null,
    k: null,
    v: null,
    unmaskedScores: null,
    maskedScores: null,
    pattern: null,
    z: null,
    kTokensFirst: false,
  };
  if (!softmax) return result;
  result.pattern = softmax.output?.[0] ?? null;
  result.maskedScores = softmax.input?.[0] ?? null;
  const path = pathToMatMul(index, result.maskedScores!, 4);
  if (path) {
    const qk = index.producer.get(path[path.length - 1]!)!;
    result.q = qk.input?.[0] ?? null;
    const transpose = index.producer.get(qk.input?.[1] ?? '');
    const key = transpose?.opType === 'Transpose' ? keyBeforeTranspose(index, transpose) : null;
    result.k = key?.tensor ?? null;
    result.kTokensFirst = key?.tokensFirst ?? false;
    // The unmasked scores: after the 1/√d scaling (a Mul or Div) if the graph scales after Q·Kᵀ.
    const scaled = path
      .slice(0, -1)
      .reverse()
      .find((tensor) => ['Mul', 'Div'].includes(index.producer.get(tensor)?.opType ?? ''));
    result.unmaskedScores = scaled ?? path[path.length - 1]!;
  }
  // Hugging Face's eager attention casts the pattern back to the query's type: the MatMul may read a Cast of it.
  const pv = passedThrough(index, result.pattern!)
    .flatMap((tensor) => index.consumers.get(tensor) ?? [])
    .find((node) => node.opType === 'MatMul');
  result.z = pv?.output?.[0] ?? null;
  result.v = pv?.input?.[1] ?? null;
  return result;
}

/** K, from the Transpose that turns it into Kᵀ for Q·Kᵀ. Usually that Transpose swaps the last two axes of K
 * [1, H, S, X] itself; an older torch export (Optimum's opset 14) folds the heads' move to the front into it,
 * reading K as [1, T, H, X] (perm 0,2,3,1). K heads-first is then the Transpose (0,2,1,3) of that tensor which
 * feeds the cache (present.*.key), where the graph has one; else K is read tokens-first. */
function keyBeforeTranspose(index: GraphIndex, transpose: onnx.INodeProto): { tensor: string; tokensFirst: boolean } | null {
  const input = transpose.input?.[0];
  if (!input) return null;
  if (permOf(transpose) !== '0,2,3,1') return { tensor: input, tokensFirst: false };
  const headsFirst = (index.consumers.get(input) ?? []).find((node) => node.opType === 'Transpose' && permOf(node) === '0,2,1,3')
    ?.output?.[0];
  return headsFirst ? { tensor: headsFirst, tokensFirst: false } : { tensor: input, tokensFirst: true };
}

const permOf = (node: onnx.INodeProto) =>
  node.attribute
    ?.find((attribute) => attribute.name === 'perm')
    ?.ints?.map(Number)
    .join() ?? '';

/** Tensors from `tensor` back to the output of the nearest MatMul of two data tensors (Q·Kᵀ), or null. */
export function pathToMatMul(index: GraphIndex, tensor: string, depth: number): string[] | null {
  const node: onnx.INodeProto | undefined = index.producer.get(tensor);
  if (!node) return null;
  const inputs = (node.input ?? []).filter((input) => isData(index, input));
  if (node.opType === 'MatMul' && inputs.length === 2) return [tensor];
  if (depth === 0) return null;
  for (const input of inputs) {
    if (index.producer.get(input)?.opType === 'Cast') continue; // the mask's boolean path
    const rest = pathToMatMul(index, input, depth - 1);
    if (rest) return [tensor, ...rest];
  }
  return null;
}

/** The initializer behind a tensor: itself, or the source of an Identity the exporter put in front of it. */
export function initializerName(index: GraphIndex, tensor: string): string | null {
  if (index.initializers.has(tensor)) return tensor;
  const producer = index.producer.get(tensor);
  const source = producer?.opType === 'Identity' ? (producer.input?.[0] ?? '') : '';
  return index.initializers.has(source) ? source : null;
}
