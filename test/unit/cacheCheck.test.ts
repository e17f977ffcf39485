// The KV-cache view's check: the cached run's kept values against a recompute, row by row. A row's difference is
// rounding only within the graph's precision, relative to that row's own largest value (at least 1): a residual
// stream with a few huge dimensions sets no threshold for the keys and values beside it.
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/engine/models/config';
import type { Trace } from '../../src/engine/trace';
import { cacheCheckHooks, ROUNDING_TOLERANCE } from '../../src/lesson/questions';
import { cacheCheckResult, cacheCheckSentences } from '../../src/app/cacheCheck';
import { translator } from '../../src/i18n/index.svelte';

const N = 3;
const config = { architecture: 'gpt2', nLayer: 2, nHead: 2, nKvHead: 2, dModel: 4, dHead: 2 } as ModelConfig;

/** A run of N positions whose K, V and residual rows count up by 0.5 (K and V of layer 0 stay below 6); `huge`: the
 * last residual row has one dimension of 5000, as Qwen's "massive activations" do; `recomputed` names the hooks
 * recomputed after the run (a lean run's closed layers). */
function traceOf(recomputed: string[] = [], huge = false): Trace {
  const hooks = [0, 1].flatMap((l) => [`blocks.${l}.attn.hook_k`, `blocks.${l}.attn.hook_v`, `blocks.${l}.hook_resid_post`]);
  let value = 0;
  const rows: Record<string, Float32Array[]> = { logits: Array.from({ length: N }, () => new Float32Array(1)) };
  for (const hook of hooks) rows[hook] = Array.from({ length: N }, () => Float32Array.from({ length: 4 }, () => (value += 0.5)));
  if (huge) rows['blocks.1.hook_resid_post']![N - 1]![2] = 5000;
  return { config, rows, recomputedHooks: recomputed } as unknown as Trace;
}

/** The recompute: the trace's own rows, with `change` added to the value at `index` of `hook` (flattened over
 * positions, 4 a row). */
function recomputeOf(trace: Trace, hooks: string[], change = 0, hook = hooks[0]!, index = 5): Record<string, { data: Float32Array }> {
  const out = Object.fromEntries(
    hooks.map((name) => {
      const data = new Float32Array(N * 4);
      trace.rows[name]!.forEach((row, p) => data.set(row, p * 4));
      return [name, { data }];
    }),
  );
  out[hook]!.data[index]! += change;
  return out;
}

describe('the KV-cache view’s check', () => {
  const full = traceOf();
  const hooks = cacheCheckHooks(full);
  // The first K's row 1 holds 2.5…4: its largest value is 4 (the changed value is at index 1 of that row, 3).
  const rowLargest = 4;

  it('float rounding within a thousandth of the row’s largest value is rounding, in both languages', () => {
    const result = cacheCheckResult(full, recomputeOf(full, hooks, 1e-3 * rowLargest * 0.9), hooks);
    expect(result).toMatchObject({ rows: hooks.length * N, residual: false, rounding: 'float32', withinRounding: true });
    expect(result.relative).toBeCloseTo(0.9e-3, 6);
    const [sentence, source] = cacheCheckSentences(result);
    expect(sentence!.key).toBe('views.cache.result');
    expect(translator('en')(sentence!.key, sentence!.params)).toContain('rounding, not a different result');
    expect(translator('zh-CN')(sentence!.key, sentence!.params)).toContain('舍入误差');
    expect(source!.key).toBe('views.cache.roundingFloat32');
    expect(translator('en')(source!.key, source!.params)).toContain('up to 0.1% of a row’s largest value');
    expect(translator('zh-CN')(source!.key, source!.params)).toContain('0.1%');
  });

  it('a larger difference is said to be more than rounding, with the worst row’s share and the tolerance', () => {
    const result = cacheCheckResult(full, recomputeOf(full, hooks, 1e-3 * rowLargest * 1.5), hooks);
    expect(result.withinRounding).toBe(false);
    const [sentence] = cacheCheckSentences(result);
    expect(sentence!.key).toBe('views.cache.resultDiffers');
    expect(sentence!.params).toMatchObject({ relative: '0.15%', tolerance: '0.1%' });
    const en = translator('en')(sentence!.key, sentence!.params);
    expect(en).toContain(
      'That is more than rounding: in the row that differs most for its size, the difference is 0.15% of the row’s largest value (counted as at least 1), and this graph’s rounding allows 0.1%.',
    );
    expect(en).not.toContain('not a different result');
    expect(translator('zh-CN')(sentence!.key, sentence!.params)).toContain(
      '这超出了舍入误差：相对差别最大的那一行里，差值达到该行最大数值（不足 1 时按 1 计）的 0.15%，而这张计算图的舍入误差最多 0.1%。',
    );
  });

  it('a huge value in one residual row hides no change of a key or value row of ordinary size', () => {
    const massive = traceOf([], true);
    // A lean run compares K and V with the residual stream (the huge row among them).
    const compared = [...hooks, 'blocks.1.hook_resid_post'];
    // A change of 0.5 in a K row whose values are about 3: a sixth of the row, far from rounding, though it is a
    // ten-thousandth of the largest value anywhere (5000).
    const result = cacheCheckResult(massive, recomputeOf(massive, compared, 0.5), compared);
    expect(result.largest).toBe(5000);
    expect(result.difference / result.largest).toBeLessThan(1e-3);
    expect(result.withinRounding).toBe(false);
    // The huge row's own rounding stays rounding: a ten-thousandth of 5000.
    const residual = cacheCheckResult(massive, recomputeOf(massive, compared, 0.5, 'blocks.1.hook_resid_post', 4 * (N - 1) + 2), compared);
    expect(residual.withinRounding).toBe(true);
    // … and float32 rounding of ordinary rows next to it too.
    expect(cacheCheckResult(massive, recomputeOf(massive, compared, 1e-6), compared).withinRounding).toBe(true);
  });

  it('the tolerance follows the graph’s precision: float16 and 8-bit activations round more', () => {
    expect(ROUNDING_TOLERANCE).toEqual({ float32: 1e-3, float16: 1e-2, int8: 0.1 });
    // 5 % of the row's largest value: beyond float32's and float16's rounding, within dynamic 8-bit quantization's.
    const change = 0.05 * rowLargest;
    expect(cacheCheckResult(full, recomputeOf(full, hooks, change), hooks, 'float32').withinRounding).toBe(false);
    expect(cacheCheckResult(full, recomputeOf(full, hooks, change), hooks, 'float16').withinRounding).toBe(false);
    const int8 = cacheCheckResult(full, recomputeOf(full, hooks, change), hooks, 'int8');
    expect(int8.withinRounding).toBe(true);
    const [, source] = cacheCheckSentences(int8);
    expect(source!.key).toBe('views.cache.roundingInt8');
    expect(translator('en')(source!.key, source!.params)).toContain('256 steps');
    // A cache that is wrong changes whole rows: that stays a difference whatever the precision.
    expect(cacheCheckResult(full, recomputeOf(full, hooks, rowLargest), hooks, 'int8').withinRounding).toBe(false);
  });

  it('a lean run is checked on what it kept, the residual stream included, with the same threshold', () => {
    const lean = traceOf(['blocks.0.attn.hook_k', 'blocks.0.attn.hook_v']);
    const leanHooks = cacheCheckHooks(lean);
    expect(leanHooks).toEqual(['blocks.1.attn.hook_k', 'blocks.1.attn.hook_v', 'blocks.0.hook_resid_post', 'blocks.1.hook_resid_post']);
    const within = cacheCheckResult(lean, recomputeOf(lean, leanHooks, 0), leanHooks);
    expect(cacheCheckSentences(within)[0]!.key).toBe('views.cache.resultResidual');
    const beyond = cacheCheckResult(lean, recomputeOf(lean, leanHooks, 1), leanHooks);
    expect(cacheCheckSentences(beyond)[0]!.key).toBe('views.cache.resultResidualDiffers');
  });

  it('a graph without a KV cache is reported against the values each position got in the pass that first computed it', () => {
    const result = cacheCheckResult(full, recomputeOf(full, hooks, 0), hooks);
    const [sentence] = cacheCheckSentences(result, false);
    expect(sentence!.key).toBe('views.cache.resultFull');
    expect(translator('en')(sentence!.key, sentence!.params)).toContain('in the pass that first computed it');
    expect(translator('en')(sentence!.key, sentence!.params)).not.toContain('cached values');
    expect(cacheCheckSentences(cacheCheckResult(full, recomputeOf(full, hooks, 1), hooks), false)[0]!.key).toBe(
      'views.cache.resultFullDiffers',
    );
    const lean = traceOf(['blocks.0.attn.hook_k', 'blocks.0.attn.hook_v']);
    const leanHooks = cacheCheckHooks(lean);
    expect(cacheCheckSentences(cacheCheckResult(lean, recomputeOf(lean, leanHooks, 0), leanHooks), false)[0]!.key).toBe(
      'views.cache.resultResidualFull',
    );
  });
});
