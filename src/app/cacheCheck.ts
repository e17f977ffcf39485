import type { MessageKey } from '../i18n/index.svelte';
import type { Trace } from '../engine/trace';
import type { ActivationRounding } from '../engine/models/precision';
import { cacheDifference, ROUNDING_TOLERANCE, withinRounding, type CacheDifference } from '../lesson/questions';

/** What the KV-cache view's check found: the cached run's kept values against a recompute from scratch. */
export interface CacheCheckResult extends CacheDifference {
  /** A large model's lean run kept K and V of few layers as it generated, so the residual stream was compared too. */
  residual: boolean;
  /** How the graph rounds its activations: what the differences are held to. */
  rounding: ActivationRounding;
  /** Whether every row's difference is within that rounding, by the lesson's threshold (withinRounding). */
  withinRounding: boolean;
}

export function cacheCheckResult(
  trace: Trace,
  recomputed: Record<string, { data: Float32Array }>,
  hooks: readonly string[],
  rounding: ActivationRounding = 'float32',
): CacheCheckResult {
  const difference = cacheDifference(trace, recomputed, hooks);
  return {
    ...difference,
    residual: hooks.some((hook) => hook.endsWith('hook_resid_post')),
    rounding,
    withinRounding: withinRounding(difference.relative, rounding),
  };
}

const percentOf = (share: number) => `${Number((100 * share).toPrecision(2))}%`;

/** The sentence that reports a check: "rounding" only where every row's difference is within it; otherwise that the
 * values differ by more, with the worst row's difference relative to that row's largest value (at least 1).
 * `cached`: whether the graph has a KV cache (else the kept values are those of the pass that first computed each
 * position). Then the sentence that says where the rounding comes from. */
export function cacheCheckSentences(
  result: CacheCheckResult,
  cached = true,
): { key: MessageKey; params: Record<string, string | number> }[] {
  const params = {
    rows: result.rows,
    difference: result.difference.toExponential(1),
    largest: result.largest.toPrecision(3),
    relative: percentOf(result.relative),
    tolerance: percentOf(ROUNDING_TOLERANCE[result.rounding]),
  };
  const keys = cached
    ? result.residual
      ? ['views.cache.resultResidual', 'views.cache.resultResidualDiffers']
      : ['views.cache.result', 'views.cache.resultDiffers']
    : result.residual
      ? ['views.cache.resultResidualFull', 'views.cache.resultResidualFullDiffers']
      : ['views.cache.resultFull', 'views.cache.resultFullDiffers'];
  const key = keys[result.withinRounding ? 0 : 1] as MessageKey;
  return [
    { key, params },
    { key: ROUNDING_SOURCE[result.rounding], params },
  ];
}

/** Where a check's differences come from, by how the graph rounds. */
const ROUNDING_SOURCE = {
  float32: 'views.cache.roundingFloat32',
  float16: 'views.cache.roundingFloat16',
  int8: 'views.cache.roundingInt8',
} as const satisfies Record<ActivationRounding, MessageKey>;
