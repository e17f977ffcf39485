// A run handed back to the worker after its KV cache was dropped (What if's run B ran in between; Rank heads, a
// lesson recompute and the backend timing drop it too), on the embedded models' real ONNX sessions, fed as the
// worker feeds it ('adopt', then 'continue'): the next step runs every position again without a cache, but records
// only the new one, so each position keeps the keys and values of the pass that first computed it, and the KV-cache
// check still compares those with a recompute of the whole sequence.
import { describe, expect, it } from 'vitest';
import { EMBEDDED_MODELS, loadEngine, recordTrace } from './helpers';
import { TraceRecorder, computedPositions, type ForwardRecord } from '../../src/engine/trace';
import { cacheCheckHooks } from '../../src/lesson/questions';
import { cacheCheckResult } from '../../src/app/cacheCheck';
import type { SamplingSettings } from '../../src/engine/sampling';

const PROMPT = 'Lily had a red ball. She';
const SETTINGS: SamplingSettings = { temperature: 0.8, topK: 40, topP: 0.95, minNewTokens: 6 };
const SEED = 7;

describe.each(EMBEDDED_MODELS)('%s: a run handed back to the worker', async (model) => {
  const engine = await loadEngine(model);
  const { config, probed, tokenizer, generator } = engine;
  const promptIds = tokenizer.encode(PROMPT);

  /** A new run as the worker begins one ('begin' drops the cache) and the page records it. */
  function begin(): TraceRecorder {
    generator.intervene(null);
    return new TraceRecorder({
      modelName: model,
      config,
      points: probed.points,
      backend: 'wasm',
      fallbackReason: 'forced',
      settings: SETTINGS,
      seed: SEED,
      prompt: PROMPT,
      truncatedTokens: 0,
      promptLength: promptIds.length,
      tokens: tokenizer.describe(promptIds),
    });
  }

  /** Up to `tokens` more tokens on the recorded run, told (as the worker tells the generator) how many positions the
   * page holds; the forward passes' records. */
  async function advance(recorder: TraceRecorder, tokens: number): Promise<ForwardRecord[]> {
    const records: ForwardRecord[] = [];
    await generator.generate(
      {
        ids: recorder.ids,
        promptLength: recorder.promptLength,
        recorded: recorder.computedPositions,
        maxNewTokens: tokens,
        settings: SETTINGS,
        rngState: recorder.rngState,
      },
      (event) => {
        if (event.type === 'forward') {
          records.push(event.record);
          recorder.addForward(event.record);
        } else {
          recorder.addStep(
            { position: event.position, decision: event.decision, token: tokenizer.describe([event.fed])[0]!, candidateTokens: [] },
            event.rngState,
          );
        }
      },
      () => false,
    );
    return records;
  }

  /** What if's run B on the same worker, then run A handed back to it ('adopt' drops the cache). */
  async function handOver(recorder: TraceRecorder): Promise<void> {
    const continuation = recorder.ids.slice(recorder.promptLength);
    await recordTrace(engine, {
      modelName: model,
      prompt: PROMPT,
      settings: SETTINGS,
      seed: SEED,
      maxNewTokens: continuation.length,
      forced: continuation,
      intervention: { heads: ['1.0'], mlps: [] },
    });
    generator.intervene(recorder.intervention);
  }

  /** The KV-cache tab's check on the recorded run: its kept K and V against the sequence recomputed in one pass. */
  async function cacheCheck(recorder: TraceRecorder) {
    const trace = recorder.snapshot();
    const hooks = cacheCheckHooks(trace);
    const ids = trace.tokens.slice(0, computedPositions(trace)).map((token) => token.id);
    const recomputed = (await generator.capture(ids, hooks, trace.intervention)).tensors;
    return cacheCheckResult(trace, recomputed, hooks, probed.rounding);
  }

  it('the step after the hand-over records only the new position: every earlier row stays the one first computed', async () => {
    const recorder = begin();
    await advance(recorder, 5);
    const before = recorder.snapshot();
    const n = computedPositions(before);
    expect(n).toBe(promptIds.length + 4);
    await handOver(recorder);
    const records = await advance(recorder, 1);
    // The pass ran every position (the cache was gone) and recorded the newest alone.
    expect(records.map(({ start, count }) => [start, count])).toEqual([[n, 1]]);
    const after = recorder.snapshot();
    expect(computedPositions(after)).toBe(n + 1);
    for (const { hook } of probed.points) {
      for (let p = 0; p < n; p++) expect(after.rows[hook]![p], `${hook}[${p}]`).toBe(before.rows[hook]![p]);
    }
    // The check compares those kept rows with a recompute: within this graph's rounding, as a cache is exact.
    const check = await cacheCheck(recorder);
    expect(check.rows).toBe(cacheCheckHooks(after).length * (n + 1));
    expect(check.withinRounding).toBe(true);
  });

  it('a cache that went wrong as the run generated is still caught by the check after the hand-over', async () => {
    const recorder = begin();
    await advance(recorder, 1); // the prompt's pass
    // A faulty cache: the first layer's cached keys scaled, so each later position's first layer reads wrong keys
    // (and its later layers' keys and values differ from what a recompute gives).
    const past = (generator as unknown as { cache: { past: Record<string, { data: unknown }> } }).cache.past;
    const keys = past['past_key_values.0.key']!.data;
    expect(keys).toBeInstanceOf(Float32Array);
    (keys as Float32Array).forEach((value, i, data) => (data[i] = value * 1.5));
    await advance(recorder, 4);
    await handOver(recorder);
    await advance(recorder, 1);
    // Re-recording every position from the pass after the hand-over would have hidden the fault: that pass read no
    // cache, so it is the recompute itself.
    const check = await cacheCheck(recorder);
    expect(check.withinRounding).toBe(false);
  });
});
