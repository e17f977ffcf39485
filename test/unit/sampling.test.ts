import { describe, expect, it } from 'vitest';
import { sample } from '../../src/engine/sampling';
import { SeededRandom } from '../../src/engine/random';

const logits = [2, 1, 0.5, 3, -1, 0, 2.5, 1.5];
const fixed = (value: number) => () => value;

describe('sampling', () => {
  it('greedy takes the argmax and draws nothing', () => {
    const decision = sample(logits, { temperature: 0, topK: 0, topP: 1 }, () => {
      throw new Error('greedy must not draw');
    });
    expect(decision.chosenId).toBe(3);
    expect(decision.greedy).toBe(true);
    expect(decision.draw).toBeNull();
  });

  it('softmax of the raw logits sums to 1 and orders candidates by logit', () => {
    const decision = sample(logits, { temperature: 1, topK: 0, topP: 1 }, fixed(0.5));
    const sum = decision.candidates.reduce((s, c) => s + c.probability, 0);
    expect(sum).toBeCloseTo(1, 12);
    expect(decision.candidates.map((c) => c.id)).toEqual([3, 6, 0, 7, 1, 2, 5, 4]);
    const expected = Math.exp(3) / logits.reduce((s, l) => s + Math.exp(l), 0);
    expect(decision.candidates[0]!.probability).toBeCloseTo(expected, 12);
  });

  it('temperature divides the logits before the softmax', () => {
    const decision = sample(logits, { temperature: 2, topK: 0, topP: 1 }, fixed(0.1));
    const expected = Math.exp(3 / 2) / logits.reduce((s, l) => s + Math.exp(l / 2), 0);
    expect(decision.candidates[0]!.scaledProbability).toBeCloseTo(expected, 12);
  });

  it('top-k keeps exactly k and renormalises', () => {
    const decision = sample(logits, { temperature: 1, topK: 3, topP: 1 }, fixed(0.99));
    expect(decision.keptAfterTopK).toBe(3);
    expect(decision.candidates.filter((c) => c.afterTopK > 0).map((c) => c.id)).toEqual([3, 6, 0]);
    expect(decision.candidates.reduce((s, c) => s + c.afterTopK, 0)).toBeCloseTo(1, 12);
    expect([3, 6, 0]).toContain(decision.chosenId);
  });

  it('top-p runs on the distribution renormalised after top-k, not on the whole vocabulary (the filter box’s formula)', () => {
    // p = .4/.3/.3, k = 2, p = 0.5: after top-k the first two are .4/.7 and .3/.7; .571 ≥ 0.5 already, so top-p
    // keeps one token. Intersecting top-k with top-p of the full distribution (.4 < .5, .7 ≥ .5) would keep two.
    const decision = sample([Math.log(0.4), Math.log(0.3), Math.log(0.3)], { temperature: 1, topK: 2, topP: 0.5 }, fixed(0.9));
    expect(decision.keptAfterTopK).toBe(2);
    expect(decision.keptAfterTopP).toBe(1);
    expect(decision.candidates[0]!.afterTopK).toBeCloseTo(0.4 / 0.7, 12);
    expect(decision.chosenId).toBe(0);
  });

  it('top-p keeps the smallest prefix whose mass reaches p', () => {
    const decision = sample(logits, { temperature: 1, topK: 0, topP: 0.6 }, fixed(0));
    const sorted = decision.candidates.map((c) => c.probability);
    const kept = decision.keptAfterTopP;
    const mass = (n: number) => sorted.slice(0, n).reduce((s, p) => s + p, 0);
    expect(mass(kept - 1)).toBeLessThan(0.6);
    expect(mass(kept)).toBeGreaterThanOrEqual(0.6);
    expect(decision.candidates.filter((c) => c.afterTopP > 0)).toHaveLength(kept);
  });

  it('the draw walks the cumulative distribution', () => {
    const low = sample(logits, { temperature: 1, topK: 0, topP: 1 }, fixed(0));
    const high = sample(logits, { temperature: 1, topK: 0, topP: 1 }, fixed(0.999999));
    expect(low.chosenId).toBe(3);
    expect(high.chosenId).toBe(4);
  });

  it('the seeded generator repeats for one seed and differs between seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    for (const value of seqA) (expect(value).toBeGreaterThanOrEqual(0), expect(value).toBeLessThan(1));
    // Resuming from the saved state continues the same sequence.
    const resumed = new SeededRandom(0);
    const d = new SeededRandom(42);
    d.next();
    resumed.state = d.state;
    expect(resumed.next()).toBe(seqA[1]);
  });
});

describe("end-of-text held back (minNewTokens, as transformers' MinNewTokensLengthLogitsProcessor)", () => {
  // Token 3 has the highest logit; call it end-of-text.
  const stop = { stopIds: [3], produced: 0 };
  const expSum = (ids: number[]) => ids.reduce((s, id) => s + Math.exp(logits[id]!), 0);
  const others = [0, 1, 2, 4, 5, 6, 7];

  it("greedy takes the best other token; the held-back mass is the model's own probability of end-of-text", () => {
    const decision = sample(logits, { temperature: 0, topK: 0, topP: 1, minNewTokens: 2 }, fixed(0), stop);
    expect(decision.chosenId).toBe(6);
    expect(decision.heldBack).toEqual({
      ids: [3],
      probability: expect.closeTo(Math.exp(3) / expSum([3, ...others]), 12),
      produced: 0,
      minNewTokens: 2,
    });
    expect(decision.heldBack!.probability).toBeCloseTo(0.4027, 4);
  });

  it('the held-back token is no candidate; the others share its probability, as softmax over them alone', () => {
    const decision = sample(logits, { temperature: 1, topK: 0, topP: 1, minNewTokens: 1 }, fixed(0), stop);
    expect(decision.candidates.map((c) => c.id)).toEqual([6, 0, 7, 1, 2, 5, 4]);
    expect(decision.keptAfterTopK).toBe(7);
    expect(decision.keptAfterTopP).toBe(7);
    for (const c of decision.candidates) {
      expect(c.logit).toBe(logits[c.id]);
      expect(c.probability).toBeCloseTo(Math.exp(logits[c.id]!) / expSum(others), 12);
      expect(c.afterTopP).toBeCloseTo(c.probability, 12);
    }
    // The draw 0 takes the first candidate: end-of-text without the mask, token 6 with it.
    expect(sample(logits, { temperature: 1, topK: 0, topP: 1 }, fixed(0), stop).chosenId).toBe(3);
    expect(decision.chosenId).toBe(6);
    // A draw at the very end never walks onto the held-back token.
    expect(sample(logits, { temperature: 1, topK: 0, topP: 1, minNewTokens: 1 }, fixed(0.9999999999), stop).chosenId).toBe(4);
  });

  it('is the same distribution as setting the logit to −∞ before temperature, top-k and top-p', () => {
    const minusInfinity = logits.map((l, i) => (i === 3 ? -Infinity : l));
    for (const settings of [
      { temperature: 0.7, topK: 4, topP: 1 },
      { temperature: 1.3, topK: 0, topP: 0.8 },
      { temperature: 0.8, topK: 40, topP: 0.95 },
    ]) {
      const held = sample(logits, { ...settings, minNewTokens: 8 }, fixed(0.42), stop);
      const reference = sample(minusInfinity, settings, fixed(0.42));
      expect(held.chosenId).toBe(reference.chosenId);
      expect(held.keptAfterTopP).toBe(reference.keptAfterTopP);
      for (const c of held.candidates) {
        const r = reference.candidates.find((candidate) => candidate.id === c.id)!;
        expect([c.probability, c.scaledProbability, c.afterTopK, c.afterTopP]).toEqual(
          [r.probability, r.scaledProbability, r.afterTopK, r.afterTopP].map((v) => expect.closeTo(v, 12)),
        );
      }
    }
  });

  it('every stop token is held back (a config may list several), and only while the run is short of the minimum', () => {
    const two = sample(logits, { temperature: 0, topK: 0, topP: 1, minNewTokens: 3 }, fixed(0), { stopIds: [3, 6, 6], produced: 2 });
    expect(two.chosenId).toBe(0);
    expect(two.heldBack!.ids).toEqual([3, 6]);
    expect(two.heldBack!.probability).toBeCloseTo(expSum([3, 6]) / expSum([3, ...others]), 12);
    // At the minimum, without a minimum, or without a run position: the model's distribution as it is.
    const plain = sample(logits, { temperature: 0.8, topK: 5, topP: 0.9 }, fixed(0.3));
    for (const decision of [
      sample(logits, { temperature: 0.8, topK: 5, topP: 0.9, minNewTokens: 3 }, fixed(0.3), { stopIds: [3], produced: 3 }),
      sample(logits, { temperature: 0.8, topK: 5, topP: 0.9, minNewTokens: 0 }, fixed(0.3), stop),
      sample(logits, { temperature: 0.8, topK: 5, topP: 0.9 }, fixed(0.3), stop),
      sample(logits, { temperature: 0.8, topK: 5, topP: 0.9, minNewTokens: 3 }, fixed(0.3)),
    ]) {
      expect(decision.heldBack).toBeUndefined();
      expect({ ...decision, settings: null }).toEqual({ ...plain, settings: null });
    }
  });
});

/** The definition, written the slow and obvious way: rank the whole vocabulary, softmax, cut, renormalise, walk. */
function referenceSample(logits: number[], settings: { temperature: number; topK: number; topP: number }, draw: number) {
  const n = logits.length;
  const temperature = settings.temperature <= 0 ? 1 : settings.temperature;
  const ranked = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const k = settings.topK > 0 ? Math.min(settings.topK, n) : n;
  const weights = ranked.slice(0, k).map((id) => Math.exp(logits[id]! / temperature));
  const topKSum = weights.reduce((a, b) => a + b, 0);
  let kept = 0;
  let mass = 0;
  for (let r = 0; r < k; r++) {
    kept++;
    mass += weights[r]! / topKSum;
    if (settings.topP < 1 && mass >= settings.topP) break;
  }
  if (settings.temperature <= 0) return { chosenId: ranked[0]!, kept, ranked };
  const topPSum = weights.slice(0, kept).reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let chosenId = ranked[0]!;
  for (let r = 0; r < kept; r++) {
    cumulative += weights[r]! / topPSum;
    chosenId = ranked[r]!;
    if (draw < cumulative) break;
  }
  return { chosenId, kept, ranked };
}

describe('sampling over a GPT-2-sized vocabulary', () => {
  it('ranks, cuts and draws exactly as the definition does, ties included, for every kind of setting', () => {
    const random = new SeededRandom(7);
    // Rounded logits: many exact ties, which must keep the lower id first.
    const logits = Array.from({ length: 50257 }, () => Math.round((random.next() * 20 - 10) * 4) / 4);
    const settingsList = [
      { temperature: 0, topK: 0, topP: 1 },
      { temperature: 0.8, topK: 40, topP: 0.95 },
      { temperature: 1, topK: 0, topP: 0.9 },
      { temperature: 1.5, topK: 0, topP: 1 },
      { temperature: 1, topK: 1000, topP: 1 },
      { temperature: 1, topK: 1000, topP: 0.9 },
      { temperature: 0.8, topK: 300, topP: 0.95 },
      { temperature: 0.3, topK: 5, topP: 0.5 },
      // Nearly flat: the chosen token ranks thousands deep and is kept after the first 200, not with all above it.
      { temperature: 50, topK: 0, topP: 1 },
      // The threshold's two ways: a heap of the k highest up to 4,096, a sort beyond (and the smallest k).
      { temperature: 1, topK: 1, topP: 1 },
      { temperature: 1, topK: 2, topP: 1 },
      { temperature: 5, topK: 4096, topP: 1 },
      { temperature: 5, topK: 4097, topP: 1 },
      { temperature: 5, topK: 50257, topP: 0.99 },
    ];
    let deepest = 0;
    for (const settings of settingsList) {
      for (const draw of [0, 0.37, 0.999]) {
        const decision = sample(logits, settings, () => draw);
        deepest = Math.max(deepest, decision.chosenRank);
        const expected = referenceSample(logits, settings, draw);
        expect(decision.chosenId).toBe(expected.chosenId);
        expect(decision.keptAfterTopP).toBe(expected.kept);
        // The ranked prefix (at most 200), then the chosen token where it ranks below it.
        expect(decision.chosenRank).toBe(expected.ranked.indexOf(expected.chosenId));
        const prefix = decision.candidates.slice(0, Math.min(decision.candidates.length, 200));
        expect(prefix.map((c) => c.id)).toEqual(expected.ranked.slice(0, prefix.length));
        expect(decision.candidates.length).toBe(decision.chosenRank >= prefix.length ? prefix.length + 1 : prefix.length);
        expect(decision.candidates.find((c) => c.id === decision.chosenId)).toBeDefined();
        for (const c of decision.candidates) {
          expect(Number.isFinite(c.afterTopK) && Number.isFinite(c.afterTopP)).toBe(true);
        }
        const sumTopP = decision.candidates.reduce((s, c) => s + c.afterTopP, 0);
        if (decision.candidates.length >= decision.keptAfterTopP) expect(sumTopP).toBeCloseTo(1, 9);
        // Each survivor's renormalised top-k probability, as the definition computes it.
        const k = settings.topK > 0 ? settings.topK : logits.length;
        const temperature = settings.temperature <= 0 ? 1 : settings.temperature;
        const topKSum = expected.ranked.slice(0, k).reduce((s, id) => s + Math.exp(logits[id]! / temperature), 0);
        const first = decision.candidates[0]!;
        expect(first.afterTopK).toBeCloseTo(Math.exp(logits[first.id]! / temperature) / topKSum, 9);
      }
    }
    expect(deepest).toBeGreaterThan(1000);
  });
});
