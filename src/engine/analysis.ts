/** Small pure computations the detail views make from captured tensors and the model's own weights. */
import { rowCount, rowDot, rowNorm, type TokenRows } from './tokenRows';

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function norm(values: ArrayLike<number>): number {
  return Math.sqrt(dot(values, values));
}

/** Indices of the k largest values (by value, or by magnitude), largest first. */
export function topIndices(values: ArrayLike<number>, k: number, by: 'value' | 'magnitude' = 'value'): number[] {
  const key = by === 'value' ? (i: number) => values[i]! : (i: number) => Math.abs(values[i]!);
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => key(b) - key(a) || a - b)
    .slice(0, k);
}

/** The k vocabulary tokens whose embedding rows are most similar (cosine) to `vector`, excluding `exclude`. */
export function cosineNeighbours(embedding: TokenRows, dModel: number, vector: ArrayLike<number>, k: number, exclude = -1) {
  const vectorNorm = norm(vector) || 1;
  const vocab = rowCount(embedding, dModel);
  const scores = new Float32Array(vocab);
  for (let token = 0; token < vocab; token++) {
    scores[token] =
      token === exclude ? -Infinity : rowDot(embedding, token, vector, dModel) / ((rowNorm(embedding, token, dModel) || 1) * vectorNorm);
  }
  return topIndices(scores, k).map((id) => ({ id, similarity: scores[id]! }));
}

/** softmax of a logit vector (float64 sums). */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < logits.length; i++) out[i]! /= sum;
  return out;
}
