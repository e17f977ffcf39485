import { EngineClient } from '../engine/client';
import { EngineError, toErrorData, type EngineErrorData } from '../engine/errors';
import type { FileProgress } from '../engine/models/folder';
import type { LoadResult } from '../engine/protocol';
import type { Dtype } from '../engine/models/precision';
import type { LensParameters } from '../engine/lens';
import { keepModelOffline } from '../engine/models/offline';
import { serviceWorkerReady } from '../serviceWorker';
import type { OfflineState } from '../engine/models/storage';
import type { BackendRequest } from '../engine/runtime';
import type { TokenInfo } from '../engine/tokenizer';
import type { SamplingSettings } from '../engine/sampling';
import { addForward, newTrace, type StopReason, type Trace } from '../engine/trace';
import { describePieces, type TokenInfo as PieceInfo } from '../engine/tokenPieces';
import type { AutoOptions } from '../engine/protocol';
import { browserStorage, measureBackends, readChoices } from './autoBackend';

/** The models that ship with the app (public/models), in the Hugging Face layout. */
export const EMBEDDED_MODELS = [
  { name: 'flow-gpt2-tiny', url: `${import.meta.env.BASE_URL}models/flow-gpt2-tiny`, architecture: 'GPT-2' },
  { name: 'flow-llama-tiny', url: `${import.meta.env.BASE_URL}models/flow-llama-tiny`, architecture: 'Llama' },
] as const;
export const EMBEDDED_MODEL = EMBEDDED_MODELS[0];

export interface RunSettings extends SamplingSettings {
  seed: number;
  maxNewTokens: number;
}

/** How often the detail views follow a run while it generates. */
const VIEW_UPDATE_MS = 1000;

export const DEFAULT_SETTINGS: RunSettings = { temperature: 0.8, topK: 40, topP: 0.95, seed: 42, maxNewTokens: 24 };

/** A message for the learner: an i18n key's worth of data, shown next to where it happened. */
export type Notice = { kind: 'error'; error: EngineErrorData } | { kind: 'info'; key: 'truncated' | 'deviceLost'; params: Record<string, number> };

/** The app's one run: model loading, the Trace being recorded, and the controls' actions. Wiring only: the
 * numbers come from the engine worker, the Trace functions assemble them. */
export class RunState {
  client: EngineClient | null = null;
  model = $state.raw<LoadResult | null>(null);
  modelName = $state('');
  modelUrl = $state('');
  /** Where the model came from, so device-loss recovery reloads it the same way (a Hub model from the cache). */
  private modelSource: 'embedded' | 'hub' = 'embedded';
  private modelCacheBase: string | undefined;
  loading = $state(false);
  /** The precision Hub models load in (`?dtype=`); null: transformers.js' default for the backend. */
  dtype = $state<Dtype | null>(null);
  progress = $state.raw<FileProgress | null>(null);
  generating = $state(false);
  trace = $state.raw<Trace | null>(null);
  /** Bumped whenever the Trace grows, so what reads it updates (chips, status, the flow chart). */
  revision = $state(0);
  /** The revision the heavy detail views show: follows `revision` at most once a second while generating (so the
   * main thread stays free for the animation and the Stop button), and exactly once the run ends. */
  viewRevision = $state(0);
  private viewTimer: ReturnType<typeof setTimeout> | null = null;
  private frameRequest: number | null = null;
  modelError = $state.raw<EngineErrorData | null>(null);
  runError = $state.raw<EngineErrorData | null>(null);
  notices = $state.raw<Notice[]>([]);
  /** The final LayerNorm and W_E of the loaded model, for the logit lens and embedding neighbours. */
  lens = $state.raw<LensParameters | null>(null);
  /** Whether the loaded model's files are stored for use with no network (null: not known yet). */
  offline = $state<OfflineState | null>(null);
  /** Runs finished so far (whatever their ending): lets tests and the UI tell one run's end from the next. */
  completedRuns = $state(0);
  private rngState = 0;
  /** Set by Stop; survives a worker restart (device loss), so the resumed run stops too. */
  private stopRequested = false;

  /** A worker started with the page, already compiling onnxruntime's wasm, for the first model to load into. */
  private warmClient: EngineClient | null;
  /** Set while "auto" times both backends: runs wait for it (autoBackend.ts). */
  private held: Promise<void> | null = null;

  /** `softwareGpu`: count a software WebGPU adapter as a GPU, so "auto" measures it (`?software-gpu=1`). */
  constructor(private readonly backendRequest: BackendRequest, private readonly options: { softwareGpu?: boolean } = {}) {
    this.warmClient = new EngineClient();
    void this.warmClient.call({ type: 'warm', backend: backendRequest, ...this.autoOptions() }).catch(() => {});
  }

  /** What "auto" needs from the page: the measurements the browser keeps. */
  private autoOptions(): AutoOptions {
    return { remembered: readChoices(browserStorage()), softwareGpu: this.options.softwareGpu ?? false };
  }

  /** "auto" is measuring this model (it runs on WASM meanwhile): compare with WebGPU in a second worker, keep the
   * faster; `body` loads the same model again. */
  private measure(client: EngineClient, model: LoadResult, body: { type: 'load'; baseUrl: string; source: 'embedded' | 'hub'; cacheBase?: string } | { type: 'loadFiles'; files: Record<string, Uint8Array>; name: string }): void {
    if (model.choice.fallbackReason !== 'measuring') return;
    void measureBackends({
      client, model,
      loadOnWebgpu: (probe) => probe.call({ ...body, backend: 'webgpu', ...(body.type === 'load' ? { dtype: model.dtype } : {}) }),
      whenIdle: () => this.whenIdle(),
      holdRuns: async () => {
        await this.whenIdle();
        let release!: () => void;
        this.held = new Promise((resolve) => (release = resolve));
        return () => {
          this.held = null;
          release();
        };
      },
      stale: () => this.client !== client,
      apply: (measured) => {
        if (measured.outcome === 'webgpu') {
          this.client = measured.client;
          client.terminate();
          if (!this.lens) this.fetchLens(measured.client); // the same weights: a lens that arrived stays
        }
        this.model = measured.model;
      },
    });
  }

  private async whenIdle(): Promise<void> {
    while (this.generating || this.loading) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** The lens parameters (W_E is megabytes) arrive beside the first run, not before it. */
  private fetchLens(client: EngineClient): void {
    this.lens = null;
    void client.call({ type: 'lens' }).then((lens) => {
      if (client === this.client) this.lens = lens;
    }, () => {});
  }

  /** Each model gets a fresh worker (a lost WebGPU device or a failed wasm start cannot be undone in one). */
  private newClient(): EngineClient {
    this.client?.terminate();
    const client = this.warmClient ?? new EngineClient();
    this.warmClient = null;
    return client;
  }

  /** Loads a model chosen by the learner, stopping a run in progress first. */
  async load(url: string, name: string, backend: BackendRequest = this.backendRequest, source: 'embedded' | 'hub' = 'embedded', cacheBase?: string): Promise<boolean> {
    await this.idle();
    return this.open(url, name, backend, source, cacheBase);
  }

  /** A model folder the learner picked on their disk: read here, run in the worker, sent nowhere else. */
  async loadFiles(files: Record<string, Uint8Array>, name: string): Promise<boolean> {
    await this.idle();
    const client = (this.client = this.newClient());
    this.loading = true;
    this.modelError = null;
    this.model = null;
    this.modelName = name;
    this.modelUrl = '';
    try {
      this.model = await client.call({ type: 'loadFiles', files, name, backend: this.backendRequest, ...this.autoOptions() });
      this.fetchLens(client);
      this.measure(client, this.model, { type: 'loadFiles', files, name });
      this.offline = null;
      return true;
    } catch (error) {
      this.modelError = toErrorData(error);
      return false;
    } finally {
      this.loading = false;
    }
  }

  /** Stops a download in progress: the worker is dropped with it (the caller then loads another model). */
  cancelLoad(): void {
    if (!this.loading) return;
    this.client?.terminate();
    this.client = null;
    this.loading = false;
    this.modelError = { code: 'download-cancelled', params: {} };
  }

  /** Starts a new worker on the model (also used mid-run, to continue on WASM after a lost device). */
  private async open(url: string, name: string, backend: BackendRequest, source: 'embedded' | 'hub' = 'embedded', cacheBase?: string): Promise<boolean> {
    this.client = this.newClient();
    this.loading = true;
    this.modelError = null;
    this.model = null;
    this.modelName = name;
    this.modelUrl = url;
    this.modelSource = source;
    this.modelCacheBase = cacheBase;
    this.progress = null; // the last load's progress must not pass for this one's
    try {
      const client = this.client;
      const model = await client.call({ type: 'load', baseUrl: url, backend, source, cacheBase, dtype: source === 'hub' ? this.dtype : null, ...this.autoOptions() }, { onProgress: (p) => (this.progress = p) });
      if (client !== this.client) return false; // cancelled or replaced meanwhile
      this.model = model;
      this.fetchLens(client);
      this.measure(client, model, { type: 'load', baseUrl: url, source, cacheBase });
      this.offline = null;
      if (source === 'hub') this.offline = model.storage;
      else void keepModelOffline(url, serviceWorkerReady()).then((stored) => {
        if (this.modelUrl === url) this.offline = stored;
      });
      return true;
    } catch (error) {
      if ((this.modelError as EngineErrorData | null)?.code !== 'download-cancelled') this.modelError = toErrorData(error);
      return false;
    } finally {
      this.loading = false;
    }
  }

  /** Starts a new run from the prompt. */
  async generate(prompt: string, settings: RunSettings): Promise<void> {
    await this.run(prompt, settings, settings.maxNewTokens, true);
  }

  /** One more token: continues the current run, or starts one from the prompt. */
  async step(prompt: string, settings: RunSettings): Promise<void> {
    const fresh = !this.trace || this.trace.prompt !== prompt || this.trace.stopReason === 'eos' || this.trace.stopReason === 'context-full';
    await this.run(prompt, settings, 1, fresh);
  }

  /** Stops a running generation and waits for it to end (before the worker is replaced, e.g. by another model). */
  private async idle(): Promise<void> {
    if (!this.generating) return;
    this.stop();
    for (let waited = 0; this.generating && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Labels for vocabulary ids the Trace does not hold (e.g. embedding neighbours). */
  async describe(ids: number[]): Promise<TokenInfo[]> {
    return this.client ? this.client.call({ type: 'describe', ids }) : [];
  }

  /** The loaded model's tokenizer on any text (the tokenizer lab); runs in the engine worker. */
  async tokenize(text: string): Promise<TokenInfo[]> {
    if (!this.client) throw new EngineError('internal', { detail: 'no model loaded' });
    return (await this.client.call({ type: 'tokenize', text })).tokens;
  }

  stop(): void {
    this.stopRequested = true;
    this.client?.cancel();
  }

  private async run(prompt: string, rawSettings: RunSettings, maxNewTokens: number, fresh: boolean): Promise<void> {
    if (!this.client || !this.model || this.generating) return;
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
      if (this.held) await this.held;
      if (this.stopRequested) return;
      if (fresh) await this.startTrace(prompt, settings);
      const trace = this.trace!;
      // A run continued after "auto" moved the model to the faster backend says where it ran last.
      trace.backend = this.model!.choice.backend;
      trace.fallbackReason = this.model!.choice.fallbackReason;
      trace.settings = { temperature: settings.temperature, topK: settings.topK, topP: settings.topP };
      await this.continueRun(trace, maxNewTokens, fresh);
    } catch (error) {
      this.runError = toErrorData(error);
      if (this.runError.code === 'worker-crashed') {
        // The worker is gone: offer the reload button instead of failing every later click.
        this.modelError = this.runError;
        this.model = null;
      }
    } finally {
      if (this.viewTimer !== null) clearTimeout(this.viewTimer);
      this.viewTimer = null;
      this.bumpRevision();
      // The detail views catch up in a task of their own, after the chart and the chips have drawn the end; the
      // run counts as over (and another may start) only then.
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.viewRevision = this.revision;
      this.completedRuns++;
      this.generating = false;
    }
  }

  private async startTrace(prompt: string, settings: RunSettings): Promise<void> {
    const model = this.model!;
    const { ids, tokens } = await this.client!.call({ type: 'tokenize', text: prompt });
    if (ids.length === 0) throw new EngineError('prompt-empty');
    const dropped = Math.max(0, ids.length - model.config.nCtx);
    this.notices = dropped > 0 ? [{ kind: 'info', key: 'truncated', params: { total: ids.length, context: model.config.nCtx, dropped } }] : [];
    this.rngState = settings.seed >>> 0;
    this.trace = newTrace({
      modelName: this.modelName, config: model.config, points: model.points, backend: model.choice.backend,
      fallbackReason: model.choice.fallbackReason, settings: { temperature: settings.temperature, topK: settings.topK, topP: settings.topP },
      seed: settings.seed, prompt, truncatedTokens: dropped, promptLength: ids.length - dropped, tokens: tokens.slice(dropped),
    });
    this.touch();
  }

  /** Generates on the current Trace; if the WebGPU device is lost, restarts the worker on WASM and goes on
   * from the tokens so far (the new worker recomputes them, then continues with the same random state). */
  private async continueRun(trace: Trace, maxNewTokens: number, fresh: boolean): Promise<void> {
    let remaining = maxNewTokens;
    let reset = fresh;
    for (;;) {
      if (this.stopRequested) return this.setStop(trace, 'stopped');
      const produced = trace.steps.length;
      try {
        const result = await this.client!.call(
          { type: 'generate', ids: trace.tokens.map((token) => token.id), maxNewTokens: remaining, settings: trace.settings, rngState: this.rngState, reset },
          {
            onForward: (record) => {
              addForward(trace, record);
              this.touch();
            },
            onStep: (step, rngState) => {
              trace.steps.push(step);
              trace.tokens.push(step.token);
              redescribeTail(trace.tokens);
              this.rngState = rngState;
              this.touch();
            },
          },
        );
        this.setStop(trace, result.stopReason);
        return;
      } catch (error) {
        if (!(error instanceof EngineError) || error.code !== 'device-lost') throw error;
        remaining -= trace.steps.length - produced;
        reset = true;
        this.notices = [...this.notices, { kind: 'info', key: 'deviceLost', params: {} }];
        if (!(await this.open(this.modelUrl, this.modelName, 'wasm', this.modelSource, this.modelCacheBase))) throw new EngineError(this.modelError!.code, this.modelError!.params);
        this.model = { ...this.model!, choice: { backend: 'wasm', fallbackReason: 'device-lost' } };
        trace.backend = 'wasm';
        trace.fallbackReason = 'device-lost';
        if (remaining <= 0) return this.setStop(trace, 'max-tokens');
      }
    }
  }

  private touch(): void {
    if (!this.generating) {
      this.bumpRevision();
      this.viewRevision = this.revision;
      return;
    }
    // While generating, the engine's messages come faster than frames (each would re-run every reader of the
    // Trace): what reads `revision` updates once per frame.
    this.frameRequest ??= requestAnimationFrame(() => this.bumpRevision());
    this.viewTimer ??= setTimeout(() => {
      this.viewTimer = null;
      this.bumpRevision();
      this.viewRevision = this.revision;
    }, VIEW_UPDATE_MS);
  }

  private bumpRevision(): void {
    if (this.frameRequest !== null) cancelAnimationFrame(this.frameRequest);
    this.frameRequest = null;
    this.revision++;
  }

  private setStop(trace: Trace, reason: StopReason): void {
    if (this.stopRequested && reason === 'max-tokens') reason = 'stopped';
    trace.stopReason = reason;
    this.touch();
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

/** A generated token is described alone; a character split over several tokens (common in Chinese) only shows
 * once its last byte arrives, so the last few tokens are described again together. */
function redescribeTail(tokens: PieceInfo[]): void {
  let from = Math.max(0, tokens.length - 8);
  // Start at a token that begins a character (its first byte is not a UTF-8 continuation byte 10xxxxxx).
  while (from > 0 && ((tokens[from]!.bytes[0] ?? 0) & 0xc0) === 0x80) from--;
  const tail = describePieces(tokens.slice(from).map(({ id, piece }) => ({ id, piece })));
  tokens.splice(from, tail.length, ...tail);
}
