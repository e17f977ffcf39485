import { softmax, topIndices } from './analysis';
import { computedPositions, type Trace } from './trace';
import type { Intervention } from './probe/intervention';

/** How far run B's residual stream is from run A's, position by position (aligned by index), after the
 * embedding and after each layer: ‖b − a‖ / ‖a‖. Row 0 is the stream entering layer 1, row l + 1 the stream
 * after layer l + 1; positions both runs computed. */
export function residualDivergence(a: Trace, b: Trace): { rows: number; cols: number; values: Float32Array } {
  const n = Math.min(computedPositions(a), computedPositions(b));
  const hooks = ['blocks.0.hook_resid_pre', ...Array.from({ length: a.config.nLayer }, (_, l) => `blocks.${l}.hook_resid_post`)];
  const values = new Float32Array(hooks.length * n);
  hooks.forEach((hook, r) => {
    for (let p = 0; p < n; p++) {
      const x = a.rows[hook]?.[p];
      const y = b.rows[hook]?.[p];
      if (!x || !y) continue;
      let diff = 0;
      let norm = 0;
      for (let i = 0; i < x.length; i++) {
        diff += (y[i]! - x[i]!) ** 2;
        norm += x[i]! ** 2;
      }
      values[r * n + p] = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
    }
  });
  return { rows: hooks.length, cols: n, values };
}

/** The model's probability of every token at a position: the softmax of the logits row (temperature 1). */
export function tokenProbabilities(trace: Trace, position: number): Float64Array | null {
  const logits = trace.rows['logits']?.[position];
  return logits ? softmax(logits) : null;
}

export interface NextTokenChange {
  /** The position whose next token is compared (by default the last one of the prompt). */
  position: number;
  /** The tokens most likely in either run, by the larger of their two probabilities. */
  rows: { id: number; a: number; b: number }[];
  /** The token run A chose there, and its probability in both runs. */
  chosen: { id: number; a: number; b: number } | null;
  /** Whether the two runs' tokens up to that position are the same (else the two questions have different texts). */
  sameText: boolean;
}

/** The next token after a position of each run: both distributions (the model's probabilities, before sampling's
 * temperature and filters) and what happens to A's choice there. Positions are aligned by number; at the prompt's
 * end (the default) null when the prompts differ in length (the positions would not be the same question), and
 * null where either run did not compute the position. */
export function nextTokenChange(a: Trace, b: Trace, shown = 8, at: number | null = null): NextTokenChange | null {
  if (at === null && a.promptLength !== b.promptLength) return null;
  const position = at ?? a.promptLength - 1;
  const pa = tokenProbabilities(a, position);
  const pb = tokenProbabilities(b, position);
  if (!pa || !pb) return null;
  const ids = [...new Set([...topIndices(pa, shown), ...topIndices(pb, shown)])];
  const rows = ids
    .map((id) => ({ id, a: pa[id]!, b: pb[id]! }))
    .sort((x, y) => Math.max(y.a, y.b) - Math.max(x.a, x.b))
    .slice(0, shown);
  const chosenId = a.steps.find((step) => step.position === position)?.decision.chosenId;
  const sameText = a.tokens.slice(0, position + 1).every((token, i) => token.id === b.tokens[i]?.id);
  return { position, rows, chosen: chosenId === undefined ? null : { id: chosenId, a: pa[chosenId]!, b: pb[chosenId]! }, sameText };
}

/** The total variation distance between the two runs' next-token distributions after `position` (the model's
 * probabilities, softmax of the logits at T = 1): ½ Σ |p_B − p_A| over the vocabulary, the share of probability
 * that moved from some tokens to others (0: the same distribution, 1: no token in common). Null where either run
 * did not keep that position's logits. */
export function nextTokenDistance(a: Trace, b: Trace, position: number): number | null {
  const pa = tokenProbabilities(a, position);
  const pb = tokenProbabilities(b, position);
  if (!pa || !pb) return null;
  let moved = 0;
  for (let i = 0; i < pa.length; i++) moved += Math.abs(pb[i]! - pa[i]!);
  return moved / 2;
}

/** Run A's step where the two runs' next-token distributions differ most (nextTokenDistance), the first of equals,
 * among `comparedStepPositions`. Null when no step qualifies or either run lacks the logits. */
export function mostDifferentStep(a: Trace, b: Trace): { step: number; position: number; distance: number } | null {
  let best: { step: number; position: number; distance: number } | null = null;
  for (const [step, position] of comparedStepPositions(a, b).entries()) {
    const distance = nextTokenDistance(a, b, position);
    if (distance !== null && (best === null || distance > best.distance)) best = { step, position, distance };
  }
  return best;
}

/** The positions of run A's steps, in order, up to where the runs' tokens part: there both runs answer the same
 * question (after a sampled B chose another token, they answer different ones). */
export function comparedStepPositions(a: Trace, b: Trace): number[] {
  let same = 0;
  while (same < a.tokens.length && a.tokens[same]!.id === b.tokens[same]?.id) same++;
  const positions: number[] = [];
  for (const { position } of a.steps) {
    if (position >= same) break;
    positions.push(position);
  }
  return positions;
}

/** The switched-off head a view opens on: the lowest layer's first, or null when no head is switched off. */
export function firstSwitchedOffHead(intervention: Intervention | null): { layer: number; head: number } | null {
  const heads = (intervention?.heads ?? []).map((key) => key.split('.').map(Number) as [number, number]);
  heads.sort(([l1, h1], [l2, h2]) => l1 - l2 || h1 - h2);
  const first = heads[0];
  return first ? { layer: first[0], head: first[1] } : null;
}

/** Bytes per number of a graph's KV cache (its past keys and values' type). */
export function cacheValueBytes(cacheType: 'float32' | 'float16'): number {
  return cacheType === 'float16' ? 2 : 4;
}

/** The KV cache after each step of a run: positions held, and its size, 2 (K and V) × layers × key/value heads ×
 * positions × d_head values of `valueBytes` each. */
export function cacheGrowth(trace: Trace, valueBytes: number): { step: number; positions: number; bytes: number }[] {
  const { nLayer, nKvHead, dHead } = trace.config;
  return trace.steps.map((step, i) => {
    const positions = step.position + 1;
    return { step: i + 1, positions, bytes: 2 * nLayer * nKvHead * positions * dHead * valueBytes };
  });
}

/** The mean of one head's z over positions: `rows` are a hook_z's per-position rows ([heads × d_head] each). */
export function meanOfHead(rows: readonly Float32Array[], head: number, dHead: number): number[] {
  const mean = new Array<number>(dHead).fill(0);
  for (const row of rows) for (let i = 0; i < dHead; i++) mean[i] = mean[i]! + row[head * dHead + i]!;
  return mean.map((sum) => sum / Math.max(1, rows.length));
}

/** An intervention with `meanHeads` (a subset of its heads) replaced by their mean z over run `a`'s computed
 * positions instead of zeros ("mean ablation"); the rest stay zeroed. */
export function withHeadMeans(intervention: Intervention, meanHeads: readonly string[], a: Trace): Intervention {
  const means: Record<string, number[]> = {};
  for (const key of meanHeads) {
    if (!intervention.heads.includes(key)) continue;
    const [layer, head] = key.split('.').map(Number) as [number, number];
    const rows = a.rows[`blocks.${layer}.attn.hook_z`]?.slice(0, computedPositions(a));
    // Every position, or no mean (a lean run that did not keep them all): never a mean of some of them.
    if (rows?.length === computedPositions(a) && Array.from(rows).every((row) => row !== undefined))
      means[key] = meanOfHead(rows, head, a.config.dHead);
  }
  return Object.keys(means).length ? { ...intervention, means } : { heads: intervention.heads, mlps: intervention.mlps };
}
