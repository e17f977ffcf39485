import { computedPositions, lackingHooks, type Trace } from '../engine/trace';
import { sample } from '../engine/sampling';
import { rowsApart } from '../engine/difference';
import { isGrouped, traitsOf } from '../engine/models/architecture';
import type { ActivationRounding } from '../engine/models/precision';
import { count, num, percent, say, text, tokenAt, type Question, type QuestionInputs } from './sentences';

/** The questions about what happens after the model: sampling from the logits, and the generation loop's KV cache. */

/** The first step's four most likely tokens, by the real logits; the answer is the top one. */
export function samplingTop(trace: Trace): Question | null {
  const step = trace.steps[0];
  if (!step) return null;
  const { candidates, chosenId, draw } = step.decision;
  const four = candidates.slice(0, 4);
  const top = four[0]!;
  const reveal = [
    say('lesson.sampling.top.reveal', {
      token: { kind: 'token', id: top.id },
      probability: percent(top.probability),
      logit: num(top.logit),
    }),
  ];
  const chosen = candidates.find((candidate) => candidate.id === chosenId)!;
  reveal.push(
    draw === null
      ? say('lesson.sampling.top.greedy', { token: { kind: 'token', id: chosenId } })
      : say('lesson.sampling.top.drawn', {
          draw: num(draw),
          token: { kind: 'token', id: chosenId },
          probability: percent(chosen.afterTopP),
        }),
  );
  return {
    id: 'sampling.top',
    ask: say('lesson.sampling.top.ask', { token: tokenAt(trace, step.position) }),
    // By id, not by probability, so the order gives nothing away.
    options: [...four]
      .sort((a, b) => a.id - b.id)
      .map((candidate) => ({ key: `t${candidate.id}`, ref: { kind: 'token', id: candidate.id } })),
    answer: `t${top.id}`,
    reveal,
    bars: {
      title: say('lesson.sampling.top.bars'),
      format: 'percent',
      items: four.map((candidate) => ({
        ref: { kind: 'token', id: candidate.id },
        value: candidate.probability,
        highlight: candidate.id === top.id,
      })),
    },
    why: [say('lesson.sampling.top.why')],
    focus: { node: 'probabilities', tab: 'sampling', layer: null, head: null, position: step.position, step: 0 },
  };
}

/** Re-samples the first step's logits at T = 1 and T = 2 (no filter): what happens to the top token and to the
 * share of the ten most likely? Uses the engine's own sampling function, so the numbers are the sampler's. */
export const HOT_TEMPERATURE = 2;
export function samplingTemperature(trace: Trace): Question | null {
  const step = trace.steps[0];
  if (!step) return null;
  const logits = trace.rows['logits']![step.position]!;
  const at1 = sample(logits, { temperature: 1, topK: 0, topP: 1 }, () => 0);
  const at2 = sample(logits, { temperature: HOT_TEMPERATURE, topK: 0, topP: 1 }, () => 0);
  const top = at1.candidates[0]!;
  const p1 = top.scaledProbability;
  const p2 = at2.candidates.find((c) => c.id === top.id)!.scaledProbability;
  const share = (decision: typeof at1) => decision.candidates.slice(0, 10).reduce((sum, c) => sum + c.scaledProbability, 0);
  const answer = p2 < p1 ? 'flatter' : p2 > p1 ? 'sharper' : 'unchanged';
  return {
    id: 'sampling.temperature',
    ask: say('lesson.sampling.temperature.ask', { token: { kind: 'token', id: top.id }, temperature: num(HOT_TEMPERATURE) }),
    options: [
      { key: 'sharper', ref: text('lesson.option.sharper') },
      { key: 'flatter', ref: text('lesson.option.flatter') },
      { key: 'unchanged', ref: text('lesson.option.unchanged') },
    ],
    answer,
    reveal: [
      say('lesson.sampling.temperature.reveal', {
        token: { kind: 'token', id: top.id },
        p1: percent(p1),
        p2: percent(p2),
        temperature: num(HOT_TEMPERATURE),
      }),
      say('lesson.sampling.temperature.share', {
        share1: percent(share(at1)),
        share2: percent(share(at2)),
        temperature: num(HOT_TEMPERATURE),
      }),
    ],
    bars: {
      title: say('lesson.sampling.temperature.bars', { temperature: num(HOT_TEMPERATURE) }),
      format: 'percent',
      items: at1.candidates.slice(0, 5).flatMap((c) => [
        { ref: text('lesson.bar.atT1', { token: { kind: 'token', id: c.id } }), value: c.scaledProbability, highlight: false },
        {
          ref: text('lesson.bar.atT2', { token: { kind: 'token', id: c.id }, temperature: num(HOT_TEMPERATURE) }),
          value: at2.candidates.find((d) => d.id === c.id)!.scaledProbability,
          highlight: true,
        },
      ]),
    },
    why: [say('lesson.sampling.temperature.why')],
    focus: { node: 'temperature', tab: 'sampling', layer: null, head: null, position: step.position, step: 0 },
  };
}

/** Hooks the KV cache holds: K (after RoPE where the model rotates it) and V of every layer. */
export function cacheHooks(trace: Trace): string[] {
  const rope = traitsOf(trace.config).position === 'rope';
  return Array.from({ length: trace.config.nLayer }, (_, l) => [
    `blocks.${l}.attn.${rope ? 'hook_rot_k' : 'hook_k'}`,
    `blocks.${l}.attn.hook_v`,
  ]).flat();
}

/** The hooks a cache check compares: K and V as the run computed them with its cache. A large model's lean run
 * keeps them only for the layer open as it generated (others are recomputed from scratch, which would compare a
 * recompute with itself); it is checked on the residual stream at each layer boundary too, always kept. */
export function cacheCheckHooks(trace: Trace): string[] {
  const kept = (hook: string) => !trace.recomputedHooks.includes(hook) && lackingHooks(trace, [hook]).length === 0;
  const kv = cacheHooks(trace).filter(kept);
  if (kv.length === 2 * trace.config.nLayer) return kv;
  return [...kv, ...Array.from({ length: trace.config.nLayer }, (_, l) => `blocks.${l}.hook_resid_post`).filter(kept)];
}

/** How much two passes over different positions may differ and still be rounding, as a share of a row's largest
 * value (at least 1): each row (one hook at one position) against its own size, so a residual stream with a few
 * huge dimensions (Qwen's "massive activations") sets no threshold for the keys and values beside it. Two passes
 * rarely differ by more than a few units of their precision:
 * - float32: about 7 significant digits; a thousandth (the embedded models and the fixtures: at most 2·10⁻⁶);
 * - float16: about 3 (an ulp is 2⁻¹⁰ of a number's size); ten ulps, a hundredth;
 * - 8-bit steps: each integer product's input is rounded to 1/255 of its pass's range, and passes over other
 *   positions have other ranges; a tenth (the q8 fixtures, 2 layers: up to 5 %).
 * A cache that is wrong (a key from another position, a rotation at the wrong angle) changes whole rows. */
export const ROUNDING_TOLERANCE: Readonly<Record<ActivationRounding, number>> = { float32: 1e-3, float16: 1e-2, int8: 0.1 };

/** Whether a cache check's worst row (`relative`: its largest difference over its largest value, at least 1) is
 * within the rounding of a graph that rounds its activations as `rounding` says. */
export function withinRounding(relative: number, rounding: ActivationRounding = 'float32'): boolean {
  return relative <= ROUNDING_TOLERANCE[rounding];
}

/** What a cache check found: the largest difference and the largest value over every row compared, and `relative`,
 * the worst row's largest difference over that row's largest value (at least 1). */
export interface CacheDifference {
  difference: number;
  largest: number;
  relative: number;
  rows: number;
}

/** The difference between the cached run's K and V (see cacheCheckHooks) and a recompute of the whole sequence
 * from scratch, row by row. */
export function cacheDifference(
  trace: Trace,
  recomputed: Record<string, { data: Float32Array }>,
  hooks: readonly string[] = cacheHooks(trace),
): CacheDifference {
  const n = computedPositions(trace);
  let difference = 0;
  let largest = 0;
  let relative = 0;
  let rows = 0;
  for (const hook of hooks) {
    const full = recomputed[hook]!.data;
    const size = full.length / n;
    for (let p = 0; p < n; p++) {
      const row = trace.rows[hook]![p]!;
      if (row.length !== size) throw new Error(`${hook}: row of ${row.length} ≠ ${size}`);
      const apart = rowsApart(row, full.subarray(p * size, (p + 1) * size));
      difference = Math.max(difference, apart.difference);
      largest = Math.max(largest, apart.largest);
      relative = Math.max(relative, apart.relative);
      rows++;
    }
  }
  return { difference, largest, relative, rows };
}

/** The sentence that says where a cache check's differences come from, by how the graph rounds. */
const ROUNDING_SOURCE = {
  float32: 'lesson.generation.cache.roundingFloat32',
  float16: 'lesson.generation.cache.roundingFloat16',
  int8: 'lesson.generation.cache.roundingInt8',
} as const satisfies Record<ActivationRounding, string>;

/** `cached`: whether the graph ran each new token alone with a KV cache (else the run kept each position's K and V
 * from the pass in which it was newest, and the sizes are those a cache would have); `valueBytes`: bytes per cached
 * number, as the KV-cache view counts them; `rounding`: how the graph rounds its activations. */
export function generationCache(
  trace: Trace,
  recomputed: QuestionInputs['recomputed'],
  cached: boolean,
  valueBytes = 4,
  rounding: ActivationRounding = 'float32',
): Question | null {
  if (!recomputed || trace.steps.length < 2) return null;
  const n = computedPositions(trace);
  // What the cached run itself kept: a lean run's other layers were recomputed for the lesson, and would be
  // compared with a recompute of themselves.
  const hooks = cacheCheckHooks(trace);
  const { difference, largest, relative, rows } = cacheDifference(trace, recomputed, hooks);
  const same = withinRounding(relative, rounding);
  const { nLayer, nKvHead, nHead, dHead } = trace.config;
  const floats = 2 * nLayer * nKvHead * dHead * n;
  const kvLayers = hooks.filter((hook) => hook.endsWith('.attn.hook_v')).length;
  const compared =
    kvLayers === nLayer
      ? 'lesson.generation.cache.reveal'
      : kvLayers > 0
        ? 'lesson.generation.cache.revealLean'
        : 'lesson.generation.cache.revealResidual';
  const reveal = [
    say(compared, {
      rows: count(rows),
      difference: num(difference),
      largest: num(largest),
      kvLayers: count(kvLayers),
      layers: count(nLayer),
    }),
    say(ROUNDING_SOURCE[rounding], { tolerance: percent(ROUNDING_TOLERANCE[rounding]) }),
    say(cached ? 'lesson.generation.cache.keys' : 'lesson.generation.cache.keysFull', { keys: count(n), cached: count(n - 1) }),
    say(cached ? 'lesson.generation.cache.size' : 'lesson.generation.cache.sizeFull', {
      layers: count(nLayer),
      kvHeads: count(nKvHead),
      dHead: count(dHead),
      positions: count(n),
      floats: count(floats),
      bytes: count(valueBytes),
      kib: num((floats * valueBytes) / 1024),
    }),
  ];
  // What the cache would hold with a key/value head for every query head: the memory grouped-query attention saves.
  const ungrouped = floats * (nHead / nKvHead);
  if (isGrouped(trace.config))
    reveal.push(
      say('lesson.generation.cache.gqa', {
        heads: count(nHead),
        kvHeads: count(nKvHead),
        full: count(ungrouped),
        fullKib: num((ungrouped * valueBytes) / 1024),
      }),
    );
  const why = [say('lesson.generation.cache.why')];
  if (traitsOf(trace.config).position === 'rope') why.push(say('lesson.generation.cache.whyRope'));
  return {
    id: 'generation.cache',
    ask: say(cached ? 'lesson.generation.cache.ask' : 'lesson.generation.cache.askFull', { steps: count(trace.steps.length) }),
    options: [
      { key: 'same', ref: text('lesson.option.cacheSame') },
      { key: 'changed', ref: text('lesson.option.cacheChanged') },
      { key: 'lastLayer', ref: text('lesson.option.cacheLastLayer') },
    ],
    answer: same ? 'same' : 'changed',
    reveal,
    bars: null,
    why,
    focus: { node: 'append', tab: 'attention', layer: null, head: null, position: n - 1, step: trace.steps.length - 1 },
  };
}
