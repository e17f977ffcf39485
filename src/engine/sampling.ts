/** Sampling settings. temperature 0 means greedy (argmax); topK 0 and topP 1 switch those filters off. */
export interface SamplingSettings {
  temperature: number;
  topK: number;
  topP: number;
  /** End-of-text is held back until the run has this many new tokens (absent or 0: allowed from the first). */
  minNewTokens?: number;
}

/** Where a step stands in its run, for `minNewTokens`: the model's stop tokens and how many new tokens the run has
 * produced before this one. */
export interface RunPosition {
  stopIds: readonly number[];
  produced: number;
}

/** Stop tokens whose logits were set to −∞ before temperature, top-k and top-p, because the run had fewer than
 * `minNewTokens` new tokens (as Hugging Face transformers' MinNewTokensLengthLogitsProcessor does). */
export interface HeldBack {
  ids: number[];
  /** Their probability in the model's own distribution (softmax of its logits, T = 1): the mass the other tokens
   * share instead. */
  probability: number;
  /** New tokens before this one. */
  produced: number;
  minNewTokens: number;
}

/** One candidate's numbers through the pipeline logits → ÷T → top-k → top-p → softmax. A held-back stop token
 * (see HeldBack) is never a candidate; the other tokens' probabilities are shared out without it. */
export interface Candidate {
  id: number;
  logit: number;
  /** softmax(logits): the model's own distribution (temperature 1, no filter), without held-back tokens. */
  probability: number;
  /** softmax(logits / T), before any filter. */
  scaledProbability: number;
  /** Renormalised over the top-k survivors; 0 when cut. */
  afterTopK: number;
  /** Renormalised over the top-p survivors: the distribution actually sampled; 0 when cut. */
  afterTopP: number;
}

/** Everything about one sampling step, so the view can replay it. */
export interface SamplingDecision {
  settings: SamplingSettings;
  greedy: boolean;
  vocabSize: number;
  keptAfterTopK: number;
  keptAfterTopP: number;
  /** The uniform random number drawn (null when greedy). */
  draw: number | null;
  chosenId: number;
  /** The candidates sorted by logit (highest first): the survivors up to `MAX_CANDIDATES` (at least the top
   * `MIN_CANDIDATES`), then the chosen token if it ranks below those. */
  candidates: Candidate[];
  /** The chosen token's rank by logit (0: the highest). */
  chosenRank: number;
  /** Present when end-of-text was held back at this step. */
  heldBack?: HeldBack;
}

const MIN_CANDIDATES = 20;
const MAX_CANDIDATES = 200;

/** Above this many, the threshold of rankTop comes from a sort of every logit instead of a heap of the highest. */
const HEAP_RANK_MAX = 4096;

/** The ids of the `count` highest logits, sorted highest first; ties keep the lower id first, so results are
 * reproducible. Only the ids at or above the `count`-th highest value are compared one by one (a full comparator
 * sort of a 152k vocabulary per token would cost tens of milliseconds). */
function rankTop(logits: ArrayLike<number>, count: number): number[] {
  const n = logits.length;
  if (count <= 0) return [];
  const threshold = countthHighest(logits, Math.min(count, n));
  const ids: number[] = [];
  for (let i = 0; i < n; i++) if (logits[i]! >= threshold) ids.push(i);
  ids.sort((a, b) => logits[b]! - logits[a]! || a - b);
  return ids.slice(0, count);
}

/** The `count`-th highest of `values` (1 ≤ count ≤ length), ties counted: a min-heap of the highest `count` seen,
 * which most values pass by with one comparison (a sort of a copy when `count` is large). NaN ranks below all. */
function countthHighest(values: ArrayLike<number>, count: number): number {
  const n = values.length;
  if (count > HEAP_RANK_MAX) {
    // (A NaN ranks below all here too: a typed array's sort would put it last, above every number.)
    const sorted = Float64Array.from(values, (value) => (Number.isNaN(value) ? -Infinity : value)).sort();
    return sorted[n - count]!;
  }
  const heap = new Float64Array(count);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    if (size === count) {
      if (!(value > heap[0]!)) continue;
      // Replace the smallest and sift it down.
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        if (left >= count) break;
        const right = left + 1;
        const child = right < count && heap[right]! < heap[left]! ? right : left;
        if (!(heap[child]! < value)) break;
        heap[at] = heap[child]!;
        at = child;
      }
      heap[at] = value;
      continue;
    }
    // Grow: sift the new value up. (A NaN is kept as the smallest: it never passes the check above.)
    let at = size++;
    const entry = Number.isNaN(value) ? -Infinity : value;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!(heap[parent]! > entry)) break;
      heap[at] = heap[parent]!;
      at = parent;
    }
    heap[at] = entry;
  }
  return heap[0]!;
}

/** The stop tokens to hold back at this step: all of them while the run has fewer than `minNewTokens` new tokens. */
export function heldBackIds(settings: SamplingSettings, run: RunPosition | null, vocabSize: number): number[] {
  if (!run || run.produced >= (settings.minNewTokens ?? 0)) return [];
  return [...new Set(run.stopIds)].filter((id) => Number.isInteger(id) && id >= 0 && id < vocabSize);
}

/** The logits with `ids` set to −∞, and those tokens' probability under the model's own softmax. */
function holdBack(logits: ArrayLike<number>, ids: readonly number[]): { scores: Float64Array; probability: number } {
  const scores = Float64Array.from(logits);
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += Math.exp(scores[i]! - max);
  let held = 0;
  for (const id of ids) {
    held += Math.exp(scores[id]! - max);
    scores[id] = -Infinity;
  }
  return { scores, probability: held / sum };
}

/** Samples the next token from one position's logits. `random` is called once, unless greedy. `run` (where the
 * step stands in its run) lets `settings.minNewTokens` hold end-of-text back; without it nothing is held back. */
export function sample(
  rawLogits: ArrayLike<number>,
  settings: SamplingSettings,
  random: () => number,
  run: RunPosition | null = null,
): SamplingDecision {
  const vocabSize = rawLogits.length;
  const held = heldBackIds(settings, run, vocabSize);
  // The model's logits themselves when nothing is held back (a copy would round a caller's float64 logits).
  const masked = held.length > 0 && held.length < vocabSize ? holdBack(rawLogits, held) : null;
  const logits = masked?.scores ?? rawLogits;
  // Tokens that can still be drawn: a held-back token ranks last (−∞) and is never walked to.
  const drawable = vocabSize - (masked ? held.length : 0);
  const greedy = settings.temperature <= 0;
  const temperature = greedy ? 1 : settings.temperature;
  const k = settings.topK > 0 ? Math.min(settings.topK, drawable) : drawable;

  // Softmax normalisers over the whole vocabulary, at temperature 1 and at T (shifted by the maximum).
  let max = -Infinity;
  for (let i = 0; i < vocabSize; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  let scaledSum = 0;
  for (let i = 0; i < vocabSize; i++) {
    sum += Math.exp(logits[i]! - max);
    scaledSum += Math.exp((logits[i]! - max) / temperature);
  }
  const scaledWeight = (id: number) => Math.exp((logits[id]! - max) / temperature);

  // Rank only as far as needed: a first prefix answers a peaked distribution; a walk past it ranks all k
  // survivors at once (at most two sorts).
  let ranked = rankTop(logits, Math.min(k, 256));
  const idAt = (rank: number) => {
    if (rank >= ranked.length) ranked = rankTop(logits, k);
    return ranked[rank]!;
  };
  let topKSum = k === drawable ? scaledSum : 0;
  if (k < drawable) for (let r = 0; r < k; r++) topKSum += scaledWeight(idAt(r));
  // Top-p: the smallest prefix (by probability) of the top-k survivors whose mass reaches p.
  let keptAfterTopP = k;
  let topPSum = topKSum;
  if (settings.topP < 1) {
    keptAfterTopP = 0;
    topPSum = 0;
    let mass = 0;
    for (let r = 0; r < k; r++) {
      const weight = scaledWeight(idAt(r));
      keptAfterTopP++;
      topPSum += weight;
      mass += weight / topKSum; // summed as the probabilities the view shows, so the cut matches them exactly
      if (mass >= settings.topP) break;
    }
  }

  let chosenRank = 0;
  let draw: number | null = null;
  if (!greedy) {
    draw = random();
    let cumulative = 0;
    for (let r = 0; r < keptAfterTopP; r++) {
      cumulative += scaledWeight(idAt(r)) / topPSum;
      chosenRank = r;
      if (draw < cumulative) break;
    }
  }
  // A flat distribution (a random model, a high temperature) can draw a token ranked tens of thousands deep: it is
  // kept after the first MAX_CANDIDATES, not with every candidate above it (a 152k vocabulary's step would hold
  // megabytes).
  const shown = Math.min(drawable, Math.max(MIN_CANDIDATES, Math.min(keptAfterTopP, MAX_CANDIDATES)));
  if (ranked.length < shown) ranked = rankTop(logits, shown);
  const candidate = (id: number, rank: number): Candidate => ({
    id,
    logit: logits[id]!,
    probability: Math.exp(logits[id]! - max) / sum,
    scaledProbability: scaledWeight(id) / scaledSum,
    afterTopK: rank < k ? scaledWeight(id) / topKSum : 0,
    afterTopP: rank < keptAfterTopP ? scaledWeight(id) / topPSum : 0,
  });
  const candidates = ranked.slice(0, shown).map(candidate);
  const chosenId = idAt(chosenRank);
  if (chosenRank >= shown) candidates.push(candidate(chosenId, chosenRank));
  const decision: SamplingDecision = {
    settings: { ...settings },
    greedy,
    vocabSize,
    keptAfterTopK: k,
    keptAfterTopP,
    draw,
    chosenId,
    chosenRank,
    candidates,
  };
  if (masked)
    decision.heldBack = { ids: held, probability: masked.probability, produced: run!.produced, minNewTokens: settings.minNewTokens ?? 0 };
  return decision;
}
