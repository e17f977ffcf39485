import type { EngineClient } from './engineClient';
import { EngineError, toErrorData, type EngineErrorData } from '../engine/errors';
import type { SamplingSettings } from '../engine/sampling';
import { SETTINGS_LIMITS, type SettingName } from '../engine/settingsLimits';
import { TraceRecorder, computedPositions, lackingGroups, lackingHooks, newRunId, type StopReason, type Trace } from '../engine/trace';
import { FULL_CAPTURE, LEAN_LOGITS_KEPT, planCaptures, type CapturePlan } from '../engine/capturePlan';
import { ModelSlot, type SlotOptions } from './modelSlot.svelte';
import type { BackendRequest } from '../engine/runtime';
import { RedrawClock } from './redrawClock';
import type { Intervention } from '../engine/probe/intervention';

export interface RunSettings extends SamplingSettings {
  minNewTokens: number;
  seed: number;
  maxNewTokens: number;
}

export const DEFAULT_SETTINGS: RunSettings = { temperature: 0.8, topK: 40, topP: 0.95, minNewTokens: 8, seed: 42, maxNewTokens: 24 };

/** A message for the learner: an i18n key's worth of data, shown next to where it happened. */
export type Notice =
  { kind: 'error'; error: EngineErrorData } | { kind: 'info'; key: 'truncated' | 'deviceLost'; params: Record<string, number> };

/** A model slot and the runs made on it. The slot asks the runs whether one is under way (a backend change or a new
 * model waits for it); the runs use the slot's worker. */
export function modelWithRuns(backendRequest: BackendRequest, options: SlotOptions = {}): { slot: ModelSlot; runs: RunController } {
  let runs: RunController | null = null;
  const slot = new ModelSlot(
    backendRequest,
    { busy: () => runs?.generating ?? false, idle: () => runs?.idle() ?? Promise.resolve() },
    options,
  );
  runs = new RunController(slot);
  return { slot, runs };
}

/** Generate, step and stop on the slot's model. The worker owns the run (its ids, KV cache and random state) and
 * sends deltas; this records them and publishes immutable Traces on the redraw clock: `trace` ten times a second while
 * generating (chart, chips), `viewTrace` at most once a second (the heavy detail views). */
export class RunController {
  trace = $state.raw<Trace | null>(null);
  viewTrace = $state.raw<Trace | null>(null);
  generating = $state(false);
  runError = $state.raw<EngineErrorData | null>(null);
  notices = $state.raw<Notice[]>([]);
  /** Runs finished so far (whatever their ending): lets tests and the UI tell one run's end from the next. */
  completedRuns = $state(0);
  /** What the run captures as it generates (capturePlan.ts): the layers open in the views are part of it. */
  plan = $state.raw<CapturePlan>(FULL_CAPTURE);
  /** A lean run is being completed for an export (`complete`): nothing it computed is dropped meanwhile. */
  completing = $state(false);
  /** The last recompute's error (a lean run's rows asked for by a view). */
  captureError = $state.raw<EngineErrorData | null>(null);
  private readonly inFlight = new Map<string, Promise<void>>();
  /** The run on screen is a recording opened from a file (not run here): its file's name and when it was saved. */
  recording = $state.raw<{ file: string; saved: number | null } | null>(null);
  /** The slot's load count when the run on screen began (null: a recording, run elsewhere). Set when its first
   * snapshot is published (until then the run on screen is the one before). */
  ranOnLoad = $state<number | null>(null);
  /** The load count the recorder's run began on. */
  private recorderLoad: number | null = null;

  private recorder: TraceRecorder | null = null;
  /** The tokens a teacher-forced run feeds after its prompt (null: it feeds what it samples), as the worker said
   * when the run began: a new worker is handed them with the run. */
  private forced: number[] | null = null;
  /** The run the next run forks from, and how (null: the next run begins from its own prompt); `keep` makes sure
   * the worker holds it, once this run's turn has come (false: it is gone, and the fork does not begin). */
  private forking: { of: number; prompt: string | null; positions: number; feed: boolean; keep: () => Promise<boolean> } | null = null;
  /** Set by Stop; survives a handover to a new worker, so the resumed run stops too. */
  private stopRequested = false;
  /** Cancels the generation under way in the worker (Stop). */
  private generation: AbortController | null = null;
  private readonly clock = new RedrawClock((views) => this.publish(views));

  constructor(private readonly slot: ModelSlot) {}

  /** The run on screen was made here by a model that has since been replaced: it stays to be looked at, but nothing
   * that computes again applies to it (the loaded model is another). */
  get ranOnEarlierModel(): boolean {
    return this.trace !== null && this.recording === null && this.ranOnLoad !== this.slot.loadSerial;
  }

  /** The run of `trace` once more through the whole graph with no cache (its own tokens and switched-off parts):
   * `hooks` at every position it computed, not recorded (the KV-cache check compares the run's cache with them). */
  async recomputeWhole(trace: Trace, hooks: readonly string[]) {
    const client = this.slot.client;
    if (!client) throw new EngineError('internal', { detail: 'no model loaded' });
    if (!(await this.keepInWorker(trace))) throw new EngineError('internal', { detail: 'the run is not the loaded model’s' });
    const positions = computedPositions(trace);
    return (await client.call({ type: 'need', run: trace.runId, hooks: [...hooks], positions, from: 0, whole: true })).tensors;
  }

  /** Starts a new run from the prompt, with `intervention`'s heads and MLPs switched off. */
  async generate(prompt: string, settings: RunSettings, intervention: Intervention | null = null): Promise<void> {
    if (this.generating) return;
    this.forking = null;
    this.forced = null;
    await this.run(prompt, settings, settings.maxNewTokens, true, intervention);
  }

  /** Starts a new run forked in the worker from run `of` (What if's B: `of` is run A, kept by the worker, see
   * `keepInWorker`): `of`'s prompt, or `prompt` (edited), with these settings and seed and `intervention`; with
   * `feed`, teacher-forced: `of`'s tokens are fed after the prompt in place of the sampled ones (the steps still
   * record the run's own decisions), and the run ends when they run out. */
  async fork(
    of: Trace,
    prompt: string | null,
    settings: RunSettings,
    intervention: Intervention | null,
    feed: boolean,
    keep: () => Promise<boolean>,
  ): Promise<void> {
    if (this.generating) return;
    this.forking = { of: of.runId, prompt, positions: of.tokens.length, feed, keep };
    this.forced = null;
    await this.run(prompt ?? of.prompt, settings, settings.maxNewTokens, true, intervention);
  }

  /** One more token: continues the current run, or starts one from the prompt. */
  async step(prompt: string, settings: RunSettings): Promise<void> {
    if (this.generating) return;
    this.forking = null;
    const ended = this.recorder?.ended;
    // Another model since (its vocabulary is another): a new run.
    // (A teacher-forced run has no token left to feed: a step starts a sampled run.)
    const fresh =
      !this.trace ||
      this.trace.prompt !== prompt ||
      this.ranOnLoad !== this.slot.loadSerial ||
      ended === 'eos' ||
      ended === 'context-full' ||
      this.forced !== null;
    this.forced = null;
    await this.run(prompt, settings, 1, fresh, this.recorder?.intervention ?? null);
  }

  /** Shows a recorded run (read from an exported file) in place of the current one: the chart, the chips and the
   * views read it as any run; nothing about it lives in the worker, so nothing is recomputed for it, and the next
   * Generate or Step starts a run of the loaded model. */
  showRecording(trace: Trace, file: string, saved: number | null): void {
    if (this.generating) return;
    this.forget();
    this.recorder = null;
    this.forced = null;
    this.runError = null;
    this.notices = [];
    this.recording = { file, saved };
    this.ranOnLoad = null;
    this.trace = trace;
    this.viewTrace = trace;
    this.completedRuns++;
  }

  stop(): void {
    this.stopRequested = true;
    this.generation?.abort();
  }

  /** The worker no longer needs to keep this controller's run (another is shown in its place). */
  private forget(): void {
    const run = this.recorder?.runId;
    if (run === undefined || !this.slot.workerRuns.delete(run)) return;
    void this.slot.client?.call({ type: 'forget', run }).catch(() => {});
  }

  /** Stops a running generation and waits for it to end (before the worker is replaced, e.g. by another model). */
  async idle(): Promise<void> {
    if (!this.generating) return;
    this.stop();
    for (let waited = 0; this.generating && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  private async run(
    prompt: string,
    rawSettings: RunSettings,
    maxNewTokens: number,
    fresh: boolean,
    intervention: Intervention | null,
  ): Promise<void> {
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
    this.recording = null;
    try {
      if (slot.held) await slot.held;
      if (this.stopRequested) return;
      const sampling = { temperature: settings.temperature, topK: settings.topK, topP: settings.topP, minNewTokens: settings.minNewTokens };
      if ((fresh || !this.recorder) && !(await this.begin(prompt, settings, intervention))) return;
      // A run continued after "auto" moved the model to the faster backend says where it ran last.
      this.recorder!.continueWith({
        backend: slot.model!.choice.backend,
        fallbackReason: slot.model!.choice.fallbackReason,
        settings: sampling,
      });
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

  /** Begins a run in the worker; false when it is a fork whose run is no longer there to fork from. */
  private async begin(prompt: string, settings: RunSettings, intervention: Intervention | null): Promise<boolean> {
    const slot = this.slot;
    const fork = this.forking;
    this.forking = null;
    // (After the slot's hold: "auto" may have moved the model to a new worker meanwhile.)
    if (fork && !(await fork.keep())) return false;
    const model = slot.model!;
    this.plan = { mode: slot.captureMode, layers: this.plan.layers };
    const run = newRunId();
    const replaces = this.recorder?.runId ?? null;
    const common = { run, replaces, seed: settings.seed, settings, intervention, plan: $state.snapshot(this.plan) };
    const started = await slot.client!.call(
      fork
        ? { type: 'fork', ...common, of: fork.of, prompt: fork.prompt, positions: fork.positions, feed: fork.feed }
        : { type: 'begin', ...common, prompt },
    );
    this.forced = started.forced;
    if (replaces !== null) slot.workerRuns.delete(replaces);
    slot.workerRuns.add(run);
    const { tokens, dropped, total } = started;
    this.notices = dropped > 0 ? [{ kind: 'info', key: 'truncated', params: { total, context: model.config.nCtx, dropped } }] : [];
    this.recorderLoad = slot.loadSerial;
    this.recorder = new TraceRecorder(
      {
        modelName: slot.modelName,
        config: model.config,
        points: model.points,
        backend: model.choice.backend,
        fallbackReason: model.choice.fallbackReason,
        settings: { temperature: settings.temperature, topK: settings.topK, topP: settings.topP, minNewTokens: settings.minNewTokens },
        seed: settings.seed,
        prompt,
        truncatedTokens: dropped,
        promptLength: tokens.length,
        tokens,
        intervention,
        feeding: this.forced ? 'teacher-forced' : 'sampled',
      },
      run,
    );
    this.clock.changed(true);
    return true;
  }

  /** Generates on the recorded run. If the WebGPU device is lost, the model reopens on WASM and the run is handed
   * to the new worker, which recomputes the tokens so far and continues with the same random state. */
  private async continueRun(recorder: TraceRecorder, maxNewTokens: number, settings: SamplingSettings): Promise<void> {
    let remaining = maxNewTokens;
    for (;;) {
      if (this.stopRequested) return this.end(recorder, 'stopped');
      const client = this.slot.client!;
      if (!this.slot.workerRuns.has(recorder.runId)) await this.handOver(client, recorder, settings);
      let produced = 0;
      this.generation = new AbortController();
      try {
        const { stopReason } = await client.call(
          { type: 'continue', run: recorder.runId, maxNewTokens: remaining, settings },
          {
            signal: this.generation.signal,
            onForward: (record) => {
              recorder.addForward(record);
              if (this.plan.mode === 'lean') recorder.keepNewestLogits(LEAN_LOGITS_KEPT);
              this.clock.changed(true);
            },
            onStep: (step, rngState) => {
              recorder.addStep(step, rngState);
              produced++;
              // The first new token is drawn in the next frame, whatever was drawn just before (the prompt).
              this.clock.changed(true, produced === 1);
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

  /** Makes sure the worker keeps the run of `trace`, this controller's run of the loaded model, handing it to a new
   * worker first ("auto" moved the model): a fork or a recompute names it. False when `trace` is no such run. */
  async keepInWorker(trace: Trace): Promise<boolean> {
    const recorder = this.recorder;
    const client = this.slot.client;
    if (!recorder || !client || recorder.runId !== trace.runId || this.ranOnEarlierModel) return false;
    if (!this.slot.workerRuns.has(recorder.runId)) await this.handOver(client, recorder, trace.settings);
    return true;
  }

  /** The one place a run moves to a worker that does not keep it (a new worker after device loss or "auto"'s
   * move): its tokens, how many positions are recorded (the worker's next pass runs them again without a cache, and
   * must leave their rows as they are), random state and intervention. */
  private async handOver(client: EngineClient, recorder: TraceRecorder, settings: SamplingSettings): Promise<void> {
    await client.call({
      type: 'adopt',
      run: recorder.runId,
      ids: recorder.ids,
      promptLength: recorder.promptLength,
      recorded: recorder.computedPositions,
      rngState: recorder.rngState,
      settings,
      intervention: recorder.intervention,
      plan: $state.snapshot(this.plan),
      forced: this.forced,
      dropped: recorder.truncatedTokens,
    });
    this.slot.workerRuns.add(recorder.runId);
  }

  /** The layers the learner has open: a lean run captures them as it generates from now on, and forgets the rows
   * of layers closed (they are recomputed if opened again). */
  openLayers(layers: number[]): void {
    const open = [...new Set(layers)].sort((a, b) => a - b);
    if (open.join() === this.plan.layers.join()) return;
    const before = this.plan;
    this.plan = { mode: before.mode, layers: open };
    if (before.mode !== 'lean' || !this.recorder) return;
    const closed = this.slot.model?.points.filter((point) => planCaptures(before, point) && !planCaptures(this.plan, point)) ?? [];
    // (While an export completes the run, what closes is dropped after it: `release`.)
    if (!this.completing) this.recorder.forget(closed.map((point) => point.hook));
    if (this.slot.workerRuns.has(this.recorder.runId))
      void this.slot.client?.call({ type: 'plan', run: this.recorder.runId, plan: $state.snapshot(this.plan) }).catch(() => {});
    this.clock.changed(true);
  }

  /** Makes sure `trace` has rows of `hooks` at `positions` (every computed position when absent): what a lean run did
   * not keep is recomputed in the worker, which holds the run (its tokens, switched-off parts and residual stream),
   * and recorded. The one way the page asks for rows. */
  async need(trace: Trace, hooks: readonly string[], positions?: readonly number[]): Promise<void> {
    const recorder = this.recorder;
    const client = this.slot.client;
    // Only the load that made a run computes more of it (another model's numbers are not this run's).
    if (!recorder || recorder.runId !== trace.runId || this.ranOnEarlierModel) return;
    const lacking = lackingHooks(trace, hooks, positions);
    if (lacking.length === 0) return;
    // The worker is gone (a crash): say so, rather than "computing…" for ever.
    if (!client) {
      this.captureError = this.slot.loadFailure?.error ?? { code: 'worker-crashed', params: { detail: 'no worker' } };
      return;
    }
    const n = computedPositions(trace);
    const from = positions && positions.length > 0 ? Math.min(...positions) : 0;
    // One recompute at a time per question: a view redrawn while it runs (a generating run's next snapshot) waits for
    // it instead of queueing another; whatever is still lacking afterwards is asked for then.
    const key = `${trace.runId}:${from}:${lacking.join()}`;
    let request = this.inFlight.get(key);
    if (!request) {
      this.captureError = null;
      // (A run "auto" just moved to a new worker goes there first, without its kept residual stream: the new worker
      // recomputes through the whole graph.)
      request = this.keepInWorker(trace)
        .then(() => client.call({ type: 'need', run: trace.runId, hooks: lacking, positions: n, from }))
        .then(
          (record) => {
            if (this.recorder !== recorder) return;
            recorder.addCaptured(record);
            this.clock.now();
          },
          (error) => {
            if (this.recorder === recorder) this.captureError = toErrorData(error);
          },
        )
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, request);
    }
    return request;
  }

  /** Computes what a lean run did not keep, a layer at a time (each from its kept residual stream), then the older
   * positions' logits, so an export holds the whole run. Returns the complete snapshot; null when the run is not
   * this controller's, its model is no longer loaded, or a recompute failed (captureError says why). `release`
   * drops what the views do not need again. */
  async complete(trace: Trace, progress: (done: number, total: number) => void): Promise<Trace | null> {
    const recorder = this.recorder;
    if (!recorder || recorder.runId !== trace.runId || this.ranOnEarlierModel) return null;
    const groups = lackingGroups(trace);
    this.completing = true;
    try {
      for (const [done, hooks] of groups.entries()) {
        progress(done, groups.length);
        await this.need(recorder.snapshot(), hooks);
        if (this.captureError || this.recorder !== recorder) return null;
      }
      progress(groups.length, groups.length);
      const complete = recorder.snapshot();
      return lackingGroups(complete).length === 0 ? complete : null;
    } finally {
      this.completing = false;
    }
  }

  /** After a lean run was completed for an export: keeps again only what its plan keeps (the layers open, the
   * residual stream, the newest logits). */
  release(): void {
    if (this.plan.mode !== 'lean' || !this.recorder) return;
    const dropped = this.slot.model?.points.filter((point) => !planCaptures(this.plan, point) && point.hook !== 'logits') ?? [];
    this.recorder.forget(dropped.map((point) => point.hook));
    this.recorder.releaseLogits(LEAN_LOGITS_KEPT);
    this.clock.changed(true);
  }

  private end(recorder: TraceRecorder, reason: StopReason): void {
    recorder.end(this.stopRequested && reason === 'max-tokens' ? 'stopped' : reason);
    this.clock.changed(true);
  }

  private publish(views: boolean): void {
    const snapshot = this.recorder?.snapshot() ?? null;
    this.trace = snapshot;
    this.ranOnLoad = snapshot ? this.recorderLoad : null;
    if (views) this.viewTrace = snapshot;
  }
}

/** Settings as the engine needs them: an emptied or out-of-range field falls back to a safe value. */
export function sanitizeSettings(settings: RunSettings): RunSettings {
  const limited = (name: SettingName, fallback: number) => {
    const value = settings[name];
    const { min, max, integer } = SETTINGS_LIMITS[name];
    const within = typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
    return integer ? Math.round(within) : within;
  };
  return {
    temperature: limited('temperature', DEFAULT_SETTINGS.temperature),
    topK: limited('topK', 0),
    topP: limited('topP', 1),
    seed: limited('seed', DEFAULT_SETTINGS.seed),
    maxNewTokens: limited('maxNewTokens', DEFAULT_SETTINGS.maxNewTokens),
    minNewTokens: limited('minNewTokens', DEFAULT_SETTINGS.minNewTokens),
  };
}
