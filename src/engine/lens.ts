import { softmax, topIndices } from './analysis';
import { rowDot, type TokenRows } from './tokenRows';

/** The final LayerNorm and unembedding, applied by hand to any residual-stream vector: the logit lens.
 * Applied to the last block's output it must reproduce the model's own logits (a test checks it). */
export interface LensParameters {
  /** GPT-2 normalises with LayerNorm (mean and variance, with a bias); Llama with RMSNorm (root mean square only). */
  norm: 'layernorm' | 'rmsnorm';
  lnWeight: Float32Array;
  lnBias: Float32Array;
  epsilon: number;
  /** The token embedding W_E, [vocab × d_model], as the file stores it; GPT-2 ties the unembedding to it (W_U = W_Eᵀ). */
  embedding: TokenRows;
  /** The lm_head's own matrix where it is not W_Eᵀ (tie_word_embeddings false: Qwen2.5-7B, Llama 3.1 8B), as
   * [vocab × d_model] like `embedding`, read from the graph (probe/unembedding.ts); absent where it is tied. */
  unembedding?: Float32Array;
  vocabSize: number;
  dModel: number;
}

export function layerNorm(x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>, epsilon: number): Float32Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (x[i]! - mean) ** 2;
  variance /= n;
  const scale = 1 / Math.sqrt(variance + epsilon);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (x[i]! - mean) * scale * weight[i]! + bias[i]!;
  return out;
}

export function rmsNorm(x: ArrayLike<number>, weight: ArrayLike<number>, epsilon: number): Float32Array {
  let meanSquare = 0;
  for (let i = 0; i < x.length; i++) meanSquare += x[i]! * x[i]!;
  const scale = 1 / Math.sqrt(meanSquare / x.length + epsilon);
  return Float32Array.from(x, (value, i) => value * scale * weight[i]!);
}

/** logits = Norm_final(x) · W_U, where W_U = W_Eᵀ unless the lm_head is a matrix of its own */
export function logitLens(residual: ArrayLike<number>, lens: LensParameters): Float32Array {
  const normalized =
    lens.norm === 'rmsnorm'
      ? rmsNorm(residual, lens.lnWeight, lens.epsilon)
      : layerNorm(residual, lens.lnWeight, lens.lnBias, lens.epsilon);
  const logits = new Float32Array(lens.vocabSize);
  const unembedding = lens.unembedding ?? lens.embedding;
  for (let token = 0; token < lens.vocabSize; token++) logits[token] = rowDot(unembedding, token, normalized, lens.dModel);
  return logits;
}

/** What the lens says about one residual-stream vector: its `top` most likely tokens, and where a `tracked` token
 * ranks (0 = first) with its probability. */
export interface LensReading {
  top: { id: number; p: number }[];
  tracked: { rank: number; probability: number } | null;
}

/** The lens of `vector` read the way the views and lessons show it (softmax of the lens logits, float64 sums). */
export function readLens(vector: ArrayLike<number>, lens: LensParameters, top: number, track: number | null = null): LensReading {
  const logits = logitLens(vector, lens);
  const probabilities = softmax(logits);
  const ids = topIndices(probabilities, top);
  let tracked: LensReading['tracked'] = null;
  if (track !== null && track >= 0 && track < logits.length) {
    // Ties go to the lower id, as the sort above orders them.
    let rank = 0;
    for (let i = 0; i < logits.length; i++) if (logits[i]! > logits[track]! || (logits[i] === logits[track] && i < track)) rank++;
    tracked = { rank, probability: probabilities[track]! };
  }
  return { top: ids.map((id) => ({ id, p: probabilities[id]! })), tracked };
}
