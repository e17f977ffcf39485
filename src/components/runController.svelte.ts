import type { EngineClient } from '../engine/client';
import { EngineError, toErrorData, type EngineErrorData } from '../engine/errors';
import type { SamplingSettings } from '../engine/sampling';
import { TraceRecorder, type StopReason, type Trace } from '../engine/trace';
import type { ModelSlot } from './modelSlot.svelte';
import { RedrawClock } from './redrawClock';
import type { Intervention } from '../engine/probe/intervention';

export interface RunSettings extends SamplingSettings {
  seed: number;
  maxNewTokens: number;
}

export const DEFAULT_SETTINGS: RunSettings = { temperature: 0.8, topK: 40, topP: 0.95, seed: 42, maxNewTokens: 24 };

/** A message for the learner: an i18n key's worth of data, shown next to where it happened. */
export type Notice = { kind: 'error'; error: EngineErrorData } | { kind: 'info'; key: 'truncated' | 'deviceLost'; params: Record<string, number> };

/** Generate, step and stop on the slot's model. The worker owns the run (its ids, KV cache and random state) and
 * sends deltas; this records them and publishes immutable Traces on the redraw clock: `trace` every frame (chart,
 * chips), `viewTrace` at most once a second while generating (the heavy detail views). */
export class RunController {
  trace = $state.raw<Trace | null>(null);
  viewTrace = $state.raw<Trace | null>(null);
  generating = $state(false);
  runError = $state.raw<EngineErrorData | null>(null);
  notices = $state.raw<Notice[]>([]);
  /** Runs finished so far (whatever their ending): lets tests and the UI tell one run's end from the next. */
  completedRuns = $state(0);

  private recorder: TraceRecorder | null = null;
  /** Set by Stop; survives a handover to a new worker, so the resumed run stops too. */
  private stopRequested = false;
  private readonly clock = new RedrawClock((views) => this.publish(views));

  constructor(private readonly slot: ModelSlot) {}

  /** Starts a new run from the prompt, with `intervention`'s heads and MLPs switched off. */
  async generate(prompt: string, settings: RunSettings, intervention: Intervention | null = null): Promise<void> {
    await this.run(prompt, settings, settings.maxNewTokens, true, intervention);
  }

  /** One more token: continues the current run, or starts one from the prompt. */
  async step(prompt: string, settings: RunSettings): Promise<void> {
    const ended = this.recorder?.ended;
    // Another model since (its vocabulary is another): a new run.
    const fresh = !this.trace || this.trace.prompt !== prompt || this.trace.modelName !== this.slot.modelName || ended === 'eos' || ended === 'context-full';
    await this.run(prompt, settings, 1, fresh, this.recorder?.intervention ?? null);
  }

  stop(): void {
    this.stopRequested = true;
    this.slot.client?.cancel();
  }

  /** Stops a running generation and waits for it to end (before the worker is replaced, e.g. by another model). */
  async idle(): Promise<void> {
    if (!this.generating) return;
    this.stop();
    for (let waited = 0; this.generating && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  private async run(prompt: string, rawSettings: RunSettings, maxNewTokens: number, fresh: boolean, intervention: Intervention | null): Promise<void> {
    const slot = this.slot;
    if (!slot.client || !slot.model || this.generating) return;
    const settings = sanitizeSettings(rawSettings);
    maxNewTokens = Math.min(maxNewTokens, settings.maxNewTokens);
    this.runError = null;
    this.stopRequested = false;
    if (prompt.trim() === '') {
      this.runError = { code: 'prompt-empty', params: {} };
      this.completedRuns++;
      return;
    }
    this.generating = true;
    try {
      if (slot.held) await slot.held;
      if (this.stopRequested) return;
      const sampling = { temperature: settings.temperature, topK: settings.topK, topP: settings.topP };
      if (fresh || !this.recorder) await this.begin(prompt, settings, intervention);
      // A run continued after "auto" moved the model to the faster backend says where it ran last.
      this.recorder!.continueWith({ backend: slot.model!.choice.backend, fallbackReason: slot.model!.choice.fallbackReason, settings: sampling });
      await this.continueRun(this.recorder!, maxNewTokens, sampling);
    } catch (error) {
      this.runError = toErrorData(error);
      if (this.runError.code === 'worker-crashed') slot.crashed(this.runError);
    } finally {
      // The detail views catch up in a task of their own, after the chart and the chips have drawn the end; the
      // run counts as over (and another may start) only then.
      this.clock.now(false);
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.clock.now();
      this.completedRuns++;
      this.generating = false;
    }
  }

  private async begin(prompt: string, settings: RunSettings, intervention: Intervention | null): Promise<void> {
    const slot = this.slot;
    const model = slot.model!;
    const started = await slot.client!.call({ type: 'begin', prompt, seed: settings.seed, settings, intervention });
    slot.holder = this;
    const { tokens, dropped, total } = started;
    this.notices = dropped > 0 ? [{ kind: 'info', key: 'truncated', params: { total, context: model.config.nCtx, dropped } }] : [];
    this.recorder = new TraceRecorder({
      modelName: slot.modelName, config: model.config, points: model.points, backend: model.choice.backend,
      fallbackReason: model.choice.fallbackReason, settings: { temperature: settings.temperature, topK: settings.topK, topP: settings.topP },
      seed: settings.seed, prompt, truncatedTokens: dropped, promptLength: tokens.length, tokens, intervention,
    });
    this.clock.changed(true);
  }

  /** Generates on the recorded run. If the WebGPU device is lost, the model reopens on WASM and the run is handed
   * to the new worker, which recomputes the tokens so far and continues with the same random state. */
  private async continueRun(recorder: TraceRecorder, maxNewTokens: number, settings: SamplingSettings): Promise<void> {
    let remaining = maxNewTokens;
    for (;;) {
      if (this.stopRequested) return this.end(recorder, 'stopped');
      const client = this.slot.client!;
      if (this.slot.holder !== this) await this.handOver(client, recorder, settings);
      let produced = 0;
      try {
        const { stopReason } = await client.call(
          { type: 'continue', maxNewTokens: remaining, settings },
          {
            onForward: (record) => {
              recorder.addForward(record);
              this.clock.changed(true);
            },
            onStep: (step, rngState) => {
              recorder.addStep(step, rngState);
              produced++;
              this.clock.changed(true);
            },
          },
        );
        return this.end(recorder, stopReason);
      } catch (error) {
        if (!(error instanceof EngineError) || error.code !== 'device-lost') throw error;
        remaining -= produced;
        this.notices = [...this.notices, { kind: 'info', key: 'deviceLost', params: {} }];
        await this.slot.reopenOnWasm();
        recorder.continueWith({ backend: 'wasm', fallbackReason: 'device-lost', settings });
        if (remaining <= 0) return this.end(recorder, 'max-tokens');
      }
    }
  }

  /** The one place a run moves to a worker that does not hold it (a new worker after device loss or "auto"'s
   * move, or the same one after another run): its tokens, random state and intervention, nothing else. */
  private async handOver(client: EngineClient, recorder: TraceRecorder, settings: SamplingSettings): Promise<void> {
    await client.call({ type: 'adopt', ids: recorder.ids, rngState: recorder.rngState, settings, intervention: recorder.intervention });
    this.slot.holder = this;
  }

  private end(recorder: TraceRecorder, reason: StopReason): void {
    recorder.end(this.stopRequested && reason === 'max-tokens' ? 'stopped' : reason);
    this.clock.changed(true);
  }

  private publish(views: boolean): void {
    const snapshot = this.recorder?.snapshot() ?? null;
    this.trace = snapshot;
    if (views) this.viewTrace = snapshot;
  }
}

/** Settings as the engine needs them: an emptied or out-of-range field falls back to a safe value. */
export function sanitizeSettings(settings: RunSettings): RunSettings {
  const finite = (value: unknown, fallback: number, min: number, max: number) =>
    typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  return {
    temperature: finite(settings.temperature, DEFAULT_SETTINGS.temperature, 0, 2),
    topK: Math.round(finite(settings.topK, 0, 0, 1_000_000)),
    topP: finite(settings.topP, 1, 0.01, 1),
    seed: Math.round(finite(settings.seed, DEFAULT_SETTINGS.seed, 0, 2 ** 32 - 1)),
    maxNewTokens: Math.round(finite(settings.maxNewTokens, DEFAULT_SETTINGS.maxNewTokens, 1, 1024)),
  };
}
