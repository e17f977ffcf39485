// The KV-cache view's check: the cached run's kept values against a recompute, reported as rounding only within the
// lesson's threshold (a thousandth of the values' size), otherwise as values that differ, with the relative size.
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/engine/models/config';
import type { Trace } from '../../src/engine/trace';
import { cacheCheckHooks } from '../../src/lesson/questions';
import { cacheCheckResult, cacheCheckSentence } from '../../src/components/views/cacheCheck';
import { translator } from '../../src/i18n/index.svelte';

const N = 3;
const config = { architecture: 'gpt2', nLayer: 2, nHead: 2, nKvHead: 2, dModel: 4, dHead: 2 } as ModelConfig;

/** A run of N positions whose K, V and residual rows count up by 0.5; `recomputed` names the hooks recomputed
 * after the run (a lean run's closed layers). */
function traceOf(recomputed: string[] = []): Trace {
  const hooks = [0, 1].flatMap((l) => [`blocks.${l}.attn.hook_k`, `blocks.${l}.attn.hook_v`, `blocks.${l}.hook_resid_post`]);
  let value = 0;
  const rows: Record<string, Float32Array[]> = { logits: Array.from({ length: N }, () => new Float32Array(1)) };
  for (const hook of hooks) rows[hook] = Array.from({ length: N }, () => Float32Array.from({ length: 4 }, () => (value += 0.5)));
  return { config, rows, recomputedHooks: recomputed } as unknown as Trace;
}

/** The recompute: the trace's own rows, with `change` added to one value of the first hook. */
function recomputeOf(trace: Trace, hooks: string[], change: number): Record<string, { data: Float32Array }> {
  const out = Object.fromEntries(hooks.map((hook) => {
    const data = new Float32Array(N * 4);
    trace.rows[hook]!.forEach((row, p) => data.set(row, p * 4));
    return [hook, { data }];
  }));
  out[hooks[0]!]!.data[5]! += change;
  return out;
}

describe('the KV-cache view’s check', () => {
  const full = traceOf();
  const hooks = cacheCheckHooks(full);
  const largest = Math.max(...hooks.flatMap((hook) => full.rows[hook]!.flatMap((row) => [...row])));

  it('a difference within a thousandth of the largest value is rounding, in both languages', () => {
    const result = cacheCheckResult(full, recomputeOf(full, hooks, 1e-3 * largest * 0.9), hooks);
    expect(result).toMatchObject({ rows: hooks.length * N, residual: false, rounding: true, largest });
    const { key, params } = cacheCheckSentence(result);
    expect(key).toBe('views.cache.result');
    expect(translator('en')(key, params)).toContain('rounding, not a different result');
    expect(translator('zh-CN')(key, params)).toContain('舍入误差');
  });

  it('a larger difference is said to be more than rounding, with its size relative to the largest value', () => {
    const result = cacheCheckResult(full, recomputeOf(full, hooks, 1e-3 * largest * 1.5), hooks);
    expect(result.rounding).toBe(false);
    const { key, params } = cacheCheckSentence(result);
    expect(key).toBe('views.cache.resultDiffers');
    expect(params['relative']).toBe('0.15%');
    const en = translator('en')(key, params);
    expect(en).toContain('differ by more than rounding');
    expect(en).toContain('0.15%');
    expect(en).not.toContain('not a different result');
    expect(translator('zh-CN')(key, params)).toContain('超出了舍入误差');
  });

  it('a lean run is checked on what it kept, the residual stream included, with the same threshold', () => {
    const lean = traceOf(['blocks.0.attn.hook_k', 'blocks.0.attn.hook_v']);
    const leanHooks = cacheCheckHooks(lean);
    expect(leanHooks).toEqual(['blocks.1.attn.hook_k', 'blocks.1.attn.hook_v', 'blocks.0.hook_resid_post', 'blocks.1.hook_resid_post']);
    const within = cacheCheckResult(lean, recomputeOf(lean, leanHooks, 0), leanHooks);
    expect(cacheCheckSentence(within).key).toBe('views.cache.resultResidual');
    const beyond = cacheCheckResult(lean, recomputeOf(lean, leanHooks, 1), leanHooks);
    expect(cacheCheckSentence(beyond).key).toBe('views.cache.resultResidualDiffers');
  });
});
