import { SeededRandom } from './random';
import type { ForwardRecord } from './trace';
import type { ModelConfig } from './models/config';
import type { TokenInfo } from './tokenPieces';

/** The jobs interpretability work names attention heads by, each scored by where the head looks on a repeated random
 * sequence (docs/head-roles.md): one token back (previous-token), at the same token's earlier occurrence
 * (duplicate-token), at the token that followed that earlier occurrence (induction). */
export const HEAD_ROLES = ['previous', 'duplicate', 'induction'] as const;
export type HeadRole = (typeof HEAD_ROLES)[number];

/** A head is named for a role when its score reaches this: on average 40% of its attention on the one token the
 * role predicts (a head that spread its attention evenly over the 40 tokens before would score about 0.03). */
export const ROLE_THRESHOLD = 0.4;

/** Each head's score for each role: the mean share of attention on the token the role predicts, by `layer * heads + head`. */
export interface HeadRoleScores {
  layers: number;
  heads: number;
  /** Random tokens before they repeat (the sequence is twice as long). */
  half: number;
  scores: Record<HeadRole, Float32Array>;
}

/** Half of the test sequence: `half` distinct random token ids, drawn with `seed` from the vocabulary less `avoid`
 * (the model's stop tokens and other special tokens). The sequence fed is these twice over. */
export function randomTokens(vocabSize: number, half: number, seed: number, avoid: ReadonlySet<number>): number[] {
  const random = new SeededRandom(seed);
  const picked = new Set<number>();
  if (vocabSize - avoid.size < half) throw new RangeError(`a vocabulary of ${vocabSize} has fewer than ${half} usable tokens`);
  while (picked.size < half) {
    const id = Math.floor(random.next() * vocabSize);
    if (!avoid.has(id)) picked.add(id);
  }
  return [...picked];
}

/** Scores every head on the attention patterns of one pass over the repeated sequence (`records` holds
 * `blocks.{l}.attn.hook_pattern` of every layer, every position from 0: rows [positions, heads, keys]).
 * - previous-token: attention from position i to i − 1, over every position but the first;
 * - duplicate-token: from position i of the repeat to i − half (the same token, the first time);
 * - induction: from position i of the repeat to i − half + 1 (the token that followed it the first time). */
export function headRoleScores(record: ForwardRecord, layers: number, heads: number, half: number): HeadRoleScores {
  const n = 2 * half;
  const scores = {
    previous: new Float32Array(layers * heads),
    duplicate: new Float32Array(layers * heads),
    induction: new Float32Array(layers * heads),
  };
  for (let layer = 0; layer < layers; layer++) {
    const rows = record.tensors[`blocks.${layer}.attn.hook_pattern`];
    if (!rows || record.start !== 0 || record.count !== n) throw new RangeError(`layer ${layer}'s pattern is not the whole sequence's`);
    const keys = rows.data.length / (n * heads);
    const weight = (query: number, head: number, key: number) => rows.data[(query * heads + head) * keys + key]!;
    for (let head = 0; head < heads; head++) {
      let previous = 0;
      for (let i = 1; i < n; i++) previous += weight(i, head, i - 1);
      let duplicate = 0;
      let induction = 0;
      for (let i = half; i < n; i++) {
        duplicate += weight(i, head, i - half);
        induction += weight(i, head, i - half + 1);
      }
      const at = layer * heads + head;
      scores.previous[at] = previous / (n - 1);
      scores.duplicate[at] = duplicate / half;
      scores.induction[at] = induction / half;
    }
  }
  return { layers, heads, half, scores };
}

/** The roles a head is named for (its score at least ROLE_THRESHOLD), strongest first. */
export function rolesOf(scores: HeadRoleScores, layer: number, head: number): { role: HeadRole; score: number }[] {
  const at = layer * scores.heads + head;
  return HEAD_ROLES.map((role) => ({ role, score: scores.scores[role][at]! }))
    .filter(({ score }) => score >= ROLE_THRESHOLD)
    .sort((a, b) => b.score - a.score);
}

/** The best-scoring head for a role, and its score. */
export function strongestHead(scores: HeadRoleScores, role: HeadRole): { layer: number; head: number; score: number } {
  const values = scores.scores[role];
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return { layer: Math.floor(best / scores.heads), head: best % scores.heads, score: values[best]! };
}

/** Random tokens before the repeat: long enough that a head spread evenly scores near 0, short enough for one pass
 * of a large model on WASM. */
const HEAD_ROLE_HALF = 40;
/** The test's seed: the same sequence on every page, so scores can be compared and checked (the model cards quote
 * them). */
export const HEAD_ROLE_SEED = 1234;
/** A token whose piece looks like a special token (`<|endoftext|>`, `<s>`, `<|im_start|>`) is not drawn, nor an id with
 * no token behind it (a vocabulary padded past the tokenizer's, as Qwen's is). */
const SPECIAL = /^<\|.*\|>$|^<\/?[a-z_]+>$/i;

/** The test's sequence for a model: `half` random tokens (no stop or special token), then the same again.
 * `describe` names the tokens (the worker's tokenizer). */
export async function headRoleSequence(
  config: Pick<ModelConfig, 'vocabSize' | 'nCtx' | 'stopTokenIds'>,
  describe: (ids: number[]) => Promise<readonly Pick<TokenInfo, 'id' | 'piece'>[]>,
): Promise<{ ids: number[]; half: number }> {
  const half = Math.min(HEAD_ROLE_HALF, Math.floor(config.nCtx / 2));
  const avoid = new Set(config.stopTokenIds);
  let drawn = randomTokens(config.vocabSize, half, HEAD_ROLE_SEED, avoid);
  // Special tokens are left out (they are not text); a few more draws replace them.
  for (let round = 0; round < 16; round++) {
    const special = (await describe(drawn)).filter((token) => token.piece === '' || SPECIAL.test(token.piece)).map((token) => token.id);
    if (special.length === 0) break;
    for (const id of special) avoid.add(id);
    drawn = randomTokens(config.vocabSize, half, HEAD_ROLE_SEED + round + 1, avoid);
  }
  return { ids: [...drawn, ...drawn], half };
}
