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
  /** The candidates sorted by logit (highest first): every survivor, and at least the top `MIN_CANDIDATES`. */
  candidates: Candidate[];
}

const MIN_CANDIDATES = 20;
const MAX_CANDIDATES = 200;

function softmax(values: Float64Array, keep: (i: number) => boolean): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (keep(i) && values[i]! > max) max = values[i]!;
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (!keep(i)) continue;
    out[i] = Math.exp(values[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < values.length; i++) out[i]! /= sum;
  return out;
}

/** Ids sorted by logit, highest first; ties keep the lower id first, so results are reproducible. */
function rankByLogit(logits: ArrayLike<number>): number[] {
  const order = Array.from({ length: logits.length }, (_, i) => i);
  return order.sort((a, b) => logits[b]! - logits[a]! || a - b);
}

/** Samples the next token from one position's logits. `random` is called once, unless greedy. */
export function sample(logits: ArrayLike<number>, settings: SamplingSettings, random: () => number): SamplingDecision {
  const vocabSize = logits.length;
  const greedy = settings.temperature <= 0;
  const temperature = greedy ? 1 : settings.temperature;
  const raw = Float64Array.from(logits);
  const scaled = raw.map((value) => value / temperature);
  const ranked = rankByLogit(logits);
  const all = () => true;
  const probability = softmax(raw, all);
  const scaledProbability = softmax(scaled, all);

  const k = settings.topK > 0 ? Math.min(settings.topK, vocabSize) : vocabSize;
  const inTopK = new Uint8Array(vocabSize);
  for (let r = 0; r < k; r++) inTopK[ranked[r]!] = 1;
  const afterTopK = softmax(scaled, (i) => inTopK[i] === 1);

  // Top-p: the smallest prefix (by probability) of the top-k survivors whose mass reaches p.
  const inTopP = new Uint8Array(vocabSize);
  let keptAfterTopP = 0;
  let mass = 0;
  for (let r = 0; r < k; r++) {
    const id = ranked[r]!;
    inTopP[id] = 1;
    keptAfterTopP++;
    mass += afterTopK[id]!;
    if (settings.topP < 1 && mass >= settings.topP) break;
  }
  const afterTopP = softmax(scaled, (i) => inTopP[i] === 1);

  let chosenId = ranked[0]!;
  let draw: number | null = null;
  if (!greedy) {
    draw = random();
    let cumulative = 0;
    for (let r = 0; r < keptAfterTopP; r++) {
      const id = ranked[r]!;
      cumulative += afterTopP[id]!;
      chosenId = id;
      if (draw < cumulative) break;
    }
  }
  const chosenRank = ranked.indexOf(chosenId);
  const shown = Math.min(vocabSize, Math.max(MIN_CANDIDATES, Math.min(keptAfterTopP, MAX_CANDIDATES), chosenRank + 1));
  const candidates = ranked.slice(0, shown).map((id) => ({
    id,
    logit: raw[id]!,
    probability: probability[id]!,
    scaledProbability: scaledProbability[id]!,
    afterTopK: afterTopK[id]!,
    afterTopP: afterTopP[id]!,
  }));
  return { settings: { ...settings }, greedy, vocabSize, keptAfterTopK: k, keptAfterTopP, draw, chosenId, candidates };
}
