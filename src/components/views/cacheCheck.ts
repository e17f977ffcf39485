import type { MessageKey } from '../../i18n/index.svelte';
import type { Trace } from '../../engine/trace';
import { cacheDifference, withinRounding } from '../../lesson/questions';

/** What the KV-cache view's check found: the cached run's kept values against a recompute from scratch. */
export interface CacheCheckResult {
  difference: number;
  largest: number;
  rows: number;
  /** A large model's lean run kept K and V of few layers as it generated, so the residual stream was compared too. */
  residual: boolean;
  /** Whether the difference is float rounding, by the lesson's threshold (withinRounding). */
  rounding: boolean;
}

export function cacheCheckResult(trace: Trace, recomputed: Record<string, { data: Float32Array }>, hooks: readonly string[]): CacheCheckResult {
  const { difference, largest, rows } = cacheDifference(trace, recomputed, hooks);
  return { difference, largest, rows, residual: hooks.some((hook) => hook.endsWith('hook_resid_post')), rounding: withinRounding(difference, largest) };
}

/** The sentence that reports a check: "rounding" only where the difference is within it; otherwise that the values
 * differ by more, with the difference's size relative to the largest value. */
export function cacheCheckSentence(result: CacheCheckResult): { key: MessageKey; params: Record<string, string | number> } {
  const params = {
    rows: result.rows,
    difference: result.difference.toExponential(1),
    largest: result.largest.toPrecision(3),
    relative: `${((100 * result.difference) / Math.max(result.largest, Number.MIN_VALUE)).toPrecision(2)}%`,
  };
  const key = result.residual
    ? (result.rounding ? 'views.cache.resultResidual' : 'views.cache.resultResidualDiffers')
    : (result.rounding ? 'views.cache.result' : 'views.cache.resultDiffers');
  return { key, params };
}
