// What if's run B, teacher-forced: fed run A's own tokens instead of its draws, on the embedded models' real ONNX
// sessions. Fed A's tokens with nothing switched off, B is A to the bit; with one head off, every B − A before that
// head's layer is exactly 0, at every position, and the tokens never part.
import { describe, expect, it } from 'vitest';
import { EMBEDDED_MODELS, loadEngine, recordTrace } from './helpers';
import { differenceTrace, isZeroDifference, switchedOffPattern } from '../../src/engine/difference';
import { ROUNDING_TOLERANCE } from '../../src/lesson/questions';
import { mostDifferentStep, nextTokenDistance } from '../../src/engine/compare';
import { assembled, computedPositions, type Trace } from '../../src/engine/trace';
import type { SamplingSettings } from '../../src/engine/sampling';

const PROMPT = 'Lily had a red ball. She';
const SETTINGS: SamplingSettings = { temperature: 0.8, topK: 40, topP: 0.95, minNewTokens: 6 };
const SEED = 7;
const NEW_TOKENS = 8;
/** The head switched off: layer 3 (index 2), so layers 1 and 2 run before it. */
const LAYER = 2;
const HEAD = 1;

const ids = (trace: Trace) => trace.tokens.map((token) => token.id);

/** Positions and elements where two runs' rows of a hook differ (equal infinities, a masked score in both, agree). */
function differing(a: Trace, b: Trace, hook: string): string[] {
  const found: string[] = [];
  const n = computedPositions(a);
  for (let p = 0; p < n; p++) {
    const x = a.rows[hook]![p]!;
    const y = b.rows[hook]![p]!;
    if (x.length !== y.length) found.push(`${hook}[${p}]: length ${x.length} ≠ ${y.length}`);
    else for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) found.push(`${hook}[${p}][${i}]: ${x[i]} ≠ ${y[i]}`);
  }
  return found;
}

describe.each(EMBEDDED_MODELS)('%s: run B teacher-forced on run A’s tokens', async (model) => {
  const engine = await loadEngine(model);
  const run = { modelName: model, prompt: PROMPT, settings: SETTINGS, seed: SEED, maxNewTokens: NEW_TOKENS };
  const { trace: a } = await recordTrace(engine, run);
  const continuation = ids(a).slice(a.promptLength);

  it('with nothing switched off equals A exactly: every captured tensor at every position, every decision', async () => {
    const { trace: b } = await recordTrace(engine, { ...run, forced: continuation });
    expect(b.feeding).toBe('teacher-forced');
    expect(ids(b)).toEqual(ids(a));
    expect(computedPositions(b)).toBe(computedPositions(a));
    expect(computedPositions(a)).toBe(a.tokens.length - 1);
    const hooks = a.points.map((point) => point.hook);
    expect(hooks.length).toBeGreaterThan(50);
    for (const hook of hooks) expect(differing(a, b, hook), hook).toEqual([]);
    expect(b.steps.map((step) => step.decision)).toEqual(a.steps.map((step) => step.decision));
    expect(b.stopReason).toBe(a.stopReason);
  });

  it('with one head off: B − A is exactly 0 in every layer before the head’s, the tokens are A’s, the decisions B’s own', async () => {
    const { trace: b } = await recordTrace(engine, {
      ...run,
      forced: continuation,
      intervention: { heads: [`${LAYER}.${HEAD}`], mlps: [] },
    });
    expect(ids(b)).toEqual(ids(a));
    expect(computedPositions(b)).toBe(computedPositions(a));
    const before = a.points.filter((point) =>
      point.layer === null ? point.hook === 'hook_embed' || point.hook === 'hook_pos_embed' : point.layer < LAYER,
    );
    expect(before.length).toBeGreaterThan(2 * 15);
    for (const { hook } of before) expect(differing(a, b, hook), hook).toEqual([]);
    // B − A as the views read it: zeros at every position and element there.
    const difference = differenceTrace(a, b);
    for (const { hook } of before) {
      const rows = difference.rows[hook]!;
      expect(rows).toHaveLength(computedPositions(a));
      expect(
        rows.every((row) => row.every((value) => value === 0)),
        hook,
      ).toBe(true);
    }
    // The head's own layer and the layers after it moved, at every position (each reads the head's output).
    const after = `blocks.${LAYER}.hook_resid_post`;
    for (let p = 0; p < computedPositions(a); p++) {
      const row = difference.rows[after]![p]!;
      expect(Math.max(...row.map(Math.abs)), `${after}[${p}]`).toBeGreaterThan(1e-5);
    }
    // Each step sampled B's own distribution with A's random number: the draws are A's, the distributions not.
    expect(b.steps.map((step) => step.decision.draw)).toEqual(a.steps.map((step) => step.decision.draw));
    expect(b.steps.map((step) => step.token.id)).toEqual(continuation);
    const distances = a.steps.map((step) => nextTokenDistance(a, b, step.position)!);
    expect(Math.max(...distances)).toBeGreaterThan(1e-4);
    // The Sampling tab opens where they differ most: the first step of the largest distance.
    const most = mostDifferentStep(a, b)!;
    expect(most.step).toBe(distances.indexOf(Math.max(...distances)));
    expect(most.position).toBe(a.steps[most.step]!.position);
  });

  it('a switched-off head’s own pattern: B − A is 0 when B reads A’s text and nothing before it is off, not otherwise, and the note says which', async () => {
    const off = `${LAYER}.${HEAD}`;
    /** B − A of the switched-off head's pattern, as the attention view reads it. */
    const headPattern = (b: Trace, from: Trace = a) => {
      const { data } = assembled(differenceTrace(from, b), `blocks.${LAYER}.attn.hook_pattern`);
      const n = Math.min(computedPositions(from), computedPositions(b));
      return data.subarray(HEAD * n * n, (HEAD + 1) * n * n);
    };
    /** What the attention view's note says of it. */
    const note = (first: Trace, second: Trace) =>
      switchedOffPattern(first, second, LAYER, HEAD, ROUNDING_TOLERANCE[engine.probed.rounding]).kind;
    const alone = await recordTrace(engine, { ...run, forced: continuation, intervention: { heads: [off], mlps: [] } });
    expect(isZeroDifference(headPattern(alone.trace))).toBe(true);
    expect(note(a, alone.trace)).toBe('same');
    // An MLP of an earlier layer off as well: the head's input, and so where it looks, changes.
    const earlierMlp = await recordTrace(engine, { ...run, forced: continuation, intervention: { heads: [off], mlps: [0] } });
    expect(isZeroDifference(headPattern(earlierMlp.trace))).toBe(false);
    expect(note(a, earlierMlp.trace)).toBe('changed');
    // A's layer recomputed in one pass over every position (a large model's lean run, when the learner opens it), B's
    // kept from its pass per position: the input is the same, so whatever B − A shows is never put down to it.
    const recomputedA = await recordTrace(engine, run);
    const n = computedPositions(recomputedA.trace);
    const layerHooks = a.points.filter((point) => point.layer === LAYER).map((point) => point.hook);
    recomputedA.recorder.addCaptured(await engine.generator.capture(ids(a).slice(0, n), layerHooks, null));
    const mixed = recomputedA.recorder.snapshot();
    expect(mixed.recomputedHooks).toContain(`blocks.${LAYER}.attn.hook_pattern`);
    expect(note(mixed, alone.trace)).toBe(isZeroDifference(headPattern(alone.trace, mixed)) ? 'same' : 'rounding');
    // B's own draws (A's seed, as What if runs them): once its text parts from A's, the head reads other tokens.
    // The first of a few temperatures at which this tiny model's B does part from A.
    for (const temperature of [SETTINGS.temperature, 1.5, 3]) {
      const sampled = (
        await recordTrace(engine, { ...run, settings: { ...SETTINGS, temperature }, intervention: { heads: [off], mlps: [] } })
      ).trace;
      const reference =
        temperature === SETTINGS.temperature ? a : (await recordTrace(engine, { ...run, settings: { ...SETTINGS, temperature } })).trace;
      const n = Math.min(computedPositions(reference), computedPositions(sampled));
      if (
        ids(sampled)
          .slice(0, n)
          .every((id, i) => id === ids(reference)[i])
      )
        continue;
      const { data } = assembled(differenceTrace(reference, sampled), `blocks.${LAYER}.attn.hook_pattern`);
      expect(isZeroDifference(data.subarray(HEAD * n * n, (HEAD + 1) * n * n))).toBe(false);
      expect(note(reference, sampled)).toBe('changed');
      return;
    }
    expect.unreachable('B’s own draws never parted from A’s');
  });

  it('ends when A’s tokens run out, and a forced end-of-text ends it as A’s did', async () => {
    const short = continuation.slice(0, 3);
    const { trace: b } = await recordTrace(engine, { ...run, forced: short });
    expect(b.steps).toHaveLength(3);
    expect(b.stopReason).toBe('max-tokens');
    const eos = engine.config.stopTokenIds[0]!;
    const { trace: ended } = await recordTrace(engine, { ...run, forced: [continuation[0]!, eos, continuation[1]!] });
    expect(ids(ended).slice(a.promptLength)).toEqual([continuation[0], eos]);
    expect(ended.stopReason).toBe('eos');
  });
});
