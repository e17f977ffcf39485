/** Sampling settings. temperature 0 means greedy (argmax); topK 0 and topP 1 switch those filters off. */
export interface SamplingSettings {
  temperature: number;
  topK: number;
  topP: number;
}

/** One candidate's numbers through the pipeline logits → ÷T → top-k → top-p → softmax. */
export interface Candidate {
  id: number;
  logit: number;
  /** softmax(logits): the model's own distribution (temperature 1, no filter). */
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
}

const MIN_CANDIDATES = 20;
const MAX_CANDIDATES = 200;

/** The ids of the `count` highest logits, sorted highest first; ties keep the lower id first, so results are
 * reproducible. The threshold comes from a native numeric sort of a copy; only the ids above it are compared
 * one by one (a full comparator sort of GPT-2's 50,257 logits per token would cost milliseconds). */
function rankTop(logits: ArrayLike<number>, count: number): number[] {
  const n = logits.length;
  if (count <= 0) return [];
  const values = Float64Array.from(logits).sort();
  const threshold = values[n - Math.min(count, n)]!;
  const ids: number[] = [];
  for (let i = 0; i < n; i++) if (logits[i]! >= threshold) ids.push(i);
  ids.sort((a, b) => logits[b]! - logits[a]! || a - b);
  return ids.slice(0, count);
}

/** Samples the next token from one position's logits. `random` is called once, unless greedy. */
export function sample(logits: ArrayLike<number>, settings: SamplingSettings, random: () => number): SamplingDecision {
  const vocabSize = logits.length;
  const greedy = settings.temperature <= 0;
  const temperature = greedy ? 1 : settings.temperature;
  const k = settings.topK > 0 ? Math.min(settings.topK, vocabSize) : vocabSize;

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
  let topKSum = k === vocabSize ? scaledSum : 0;
  if (k < vocabSize) for (let r = 0; r < k; r++) topKSum += scaledWeight(idAt(r));
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
  const shown = Math.min(vocabSize, Math.max(MIN_CANDIDATES, Math.min(keptAfterTopP, MAX_CANDIDATES)));
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
  return { settings: { ...settings }, greedy, vocabSize, keptAfterTopK: k, keptAfterTopP, draw, chosenId, chosenRank, candidates };
}
