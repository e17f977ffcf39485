import { EngineClient } from './engineClient';
import { EngineError, toErrorData, type EngineErrorData } from '../engine/errors';
import type { FileProgress } from '../engine/models/folder';
import type { AutoOptions, LoadResult } from '../engine/protocol';
import type { Dtype } from '../engine/models/precision';
import type { LookingCost } from '../engine/lookingCost';
import type { Backend } from '../engine/runtime';
import type { CapturePlan } from '../engine/capturePlan';
import type { LensReading } from '../engine/lens';
import { keepModelOffline } from '../engine/models/offline';
import { serviceWorkerReady } from './serviceWorker';
import type { OfflineState } from '../engine/models/storage';
import type { BackendRequest } from '../engine/runtime';
import type { TokenInfo } from '../engine/tokenizer';
import { browserStorage, measureBackends, readChoices } from './autoBackend';
import { defaultCaptureMode, type CaptureMode } from '../engine/capturePlan';
import type { ModelFiles } from '../export/reproduce';

import { EMBEDDED_MODELS } from './embeddedModels';

export type ModelSource = 'embedded' | 'hub';

/** A load that failed: what was asked for, and why. `kind` says where the learner asked (the model picker, the Hub
 * panel, a folder from disk), so the message shows there. */
export interface LoadFailure {
  error: EngineErrorData;
  kind: ModelSource | 'files';
  name: string;
}

/** What the slot needs from the runs on its worker: whether one is in progress, and a way to stop it and wait. */
export interface RunHooks {
  busy: () => boolean;
  idle: () => Promise<void>;
}

export interface SlotOptions {
  /** Count a software WebGPU adapter as a GPU, so "auto" measures it (`?software-gpu=1`). */
  softwareGpu?: boolean;
  /** Keep the graph's bytes for `recompute`'s plain-graph timing (tests and the benchmark: `?debug`). */
  keepPlainGraph?: boolean;
  /** What runs capture as they generate, whatever the model's size (`?capture=`); absent: by its size. */
  captureMode?: CaptureMode;
}

/** Where a model came from, so it can be opened again the same way (device loss: a Hub model from the cache). */
interface Origin {
  url: string;
  name: string;
  source: ModelSource;
  cacheBase: string | undefined;
}

/** A model as it was opened, to open it again elsewhere (beside the app's, in the comparison): where from, and the
 * precision a Hub model was loaded in. */
export interface OpenedModel extends Origin {
  dtype: Dtype | null;
}

/** The loaded model and the engine worker that holds it: loading (with progress and cancel), the offline copy,
 * "auto"'s backend measuring, and the lens parameters. Runs happen elsewhere (RunController); `runs` tells this
 * slot when one is in progress, so a backend change waits for it.
 *
 * A new model loads in a worker of its own while the current one stays loaded and usable; it takes the current
 * one's place only once it is ready. A load that fails or is cancelled leaves the current model as it was. */
export class ModelSlot {
  client: EngineClient | null = null;
  model = $state.raw<LoadResult | null>(null);
  modelName = $state('');
  /** Counts the models that have taken this slot: a run made under another count was made by a model no longer
   * loaded (even one of the same name, loaded again at another precision). A backend handover keeps the count. */
  loadSerial = $state(0);
  modelUrl = $state('');
  private origin: Origin | null = null;
  /** A load is under way (in `pending`, beside the current model if there is one). */
  loading = $state(false);
  /** The model being loaded. */
  loadingName = $state('');
  private pending: EngineClient | null = null;
  /** The precision Hub models load in (`?dtype=`); null: transformers.js' default for the backend. */
  dtype = $state<Dtype | null>(null);
  progress = $state.raw<FileProgress | null>(null);
  /** The last load's failure (cleared by the next load). */
  loadFailure = $state.raw<LoadFailure | null>(null);
  /** Whether the loaded model's files are stored for use with no network (null: not known yet). */
  offline = $state<OfflineState | null>(null);
  /** What looking costs on the loaded model, once measured (`load`: the load it was measured on; `cost` null: the
   * graph's layout is not measured). */
  lookingCost = $state.raw<{ cost: LookingCost | null; plan: CapturePlan['mode']; backend: Backend; load: number } | null>(null);
  measuringCost = $state(false);
  /** The last measurement's failure, and the load it was on. */
  costError = $state.raw<{ error: EngineErrorData; load: number } | null>(null);

  /** A worker started with the page, already compiling onnxruntime's wasm, for the first model to load into. */
  private warmClient: EngineClient | null;
  /** Set while "auto" times both backends: runs wait for it (autoBackend.ts). */
  held: Promise<void> | null = null;
  /** The runs the current worker keeps, by run id (a new worker keeps none: a run moves to it by 'adopt'). */
  readonly workerRuns = new Set<number>();

  constructor(
    readonly backendRequest: BackendRequest,
    private readonly runs: RunHooks,
    private readonly options: SlotOptions = {},
  ) {
    this.warmClient = new EngineClient();
    void this.warmClient.call({ type: 'warm', backend: backendRequest, ...this.autoOptions() }).catch(() => {});
  }

  /** What a run on the loaded model captures as it generates: everything, or the lean plan for a large model. */
  get captureMode(): CaptureMode {
    if (this.options.captureMode) return this.options.captureMode;
    return this.model ? defaultCaptureMode(this.model.config, this.model.points) : 'all';
  }

  /** What "auto" needs from the page: the measurements the browser keeps. */
  private autoOptions(): AutoOptions {
    return {
      remembered: readChoices(browserStorage()),
      softwareGpu: this.options.softwareGpu ?? false,
      keepPlainGraph: this.options.keepPlainGraph ?? false,
    };
  }

  /** No model to use while one loads (the first load, or after a crash). A model loading in place of another
   * leaves the current one usable: see `incoming`. */
  get loadingFirst(): boolean {
    return this.loading && !this.model;
  }

  /** The model being loaded, beside the current one or in place of none; null when no load is under way. */
  get incoming(): string | null {
    return this.loading ? this.loadingName : null;
  }

  /** The last load's error, whatever was asked for. */
  get modelError(): EngineErrorData | null {
    return this.loadFailure?.error ?? null;
  }

  /** Each model gets a fresh worker (a lost WebGPU device or a failed wasm start cannot be undone in one); a load
   * still under way is dropped. */
  private begin(name: string): EngineClient {
    this.pending?.terminate();
    const client = (this.pending = this.warmClient ?? new EngineClient());
    this.warmClient = null;
    this.loading = true;
    this.loadingName = name;
    this.loadFailure = null;
    this.progress = null; // the last load's progress must not pass for this one's
    return client;
  }

  /** Loads in the pending worker; once ready, `beforeSwap` (the current model's run stops) and the new model takes
   * the current one's place. False when it failed (loadFailure says why), or was cancelled or replaced meanwhile. */
  private async load(
    name: string,
    kind: LoadFailure['kind'],
    request: (client: EngineClient) => Promise<LoadResult>,
    beforeSwap: () => Promise<void>,
    onReady: (model: LoadResult) => void,
    sameModel = false,
  ): Promise<boolean> {
    const client = this.begin(name);
    try {
      const model = await request(client);
      if (client !== this.pending) return false;
      await beforeSwap();
      if (client !== this.pending) return false;
      this.client?.terminate();
      this.client = client;
      this.pending = null;
      this.workerRuns.clear();
      this.model = model;
      this.modelName = name;
      if (!sameModel) this.loadSerial++;
      onReady(model);
      return true;
    } catch (error) {
      if (client !== this.pending) return false;
      client.terminate();
      this.pending = null;
      this.loadFailure = { error: toErrorData(error), kind, name };
      return false;
    } finally {
      if (this.pending === null) this.loading = false;
    }
  }

  /** Opens a model folder by URL in a new worker; a run on the current model stops when the new one is ready. False
   * when it failed (loadFailure says why) or was replaced. */
  async open(
    url: string,
    name: string,
    backend: BackendRequest = this.backendRequest,
    source: ModelSource = 'embedded',
    cacheBase?: string,
  ): Promise<boolean> {
    return this.openUrl({ url, name, source, cacheBase }, backend, () => this.runs.idle());
  }

  private openUrl(
    { url, name, source, cacheBase }: Origin,
    backend: BackendRequest,
    beforeSwap: () => Promise<void>,
    sameModel = false,
  ): Promise<boolean> {
    const body = { type: 'load', baseUrl: url, source, cacheBase } as const;
    return this.load(
      name,
      source,
      (client) =>
        client.call(
          { ...body, backend, dtype: source === 'hub' ? this.dtype : null, ...this.autoOptions() },
          { onProgress: (p) => (this.progress = p) },
        ),
      beforeSwap,
      (model) => {
        this.modelUrl = url;
        this.origin = { url, name, source, cacheBase };
        this.measure(this.client!, model, body);
        this.offline = null;
        if (source === 'hub') this.offline = model.storage;
        else {
          void keepModelOffline(url, serviceWorkerReady()).then((stored) => {
            if (this.modelUrl === url) this.offline = stored;
          });
          // The other embedded architecture too (about 12 MB), where two charts fit side by side: comparing
          // architectures then works offline (a phone has no room for it, and keeps its data). The model trained to
          // copy is kept when the lessons open (App), not on every first visit.
          if (globalThis.matchMedia?.('(min-width: 721px)').matches)
            for (const other of EMBEDDED_MODELS)
              if (other.url !== url && !other.trainedToCopy) void keepModelOffline(other.url, serviceWorkerReady());
        }
      },
      sameModel,
    );
  }

  /** Measures what looking costs on the loaded model with `plan`'s captures (between runs: the worker refuses while
   * one generates). */
  async measureLookingCost(plan: CapturePlan): Promise<void> {
    const client = this.client;
    if (!client || !this.model || this.measuringCost) return;
    const load = this.loadSerial;
    const backend = this.model.choice.backend;
    this.measuringCost = true;
    this.costError = null;
    try {
      const cost = await client.call({ type: 'lookingCost', plan });
      if (this.loadSerial === load) this.lookingCost = { cost, plan: plan.mode, backend, load };
    } catch (error) {
      if (this.loadSerial === load) this.costError = { error: toErrorData(error), load };
    } finally {
      this.measuringCost = false;
    }
  }

  /** How the loaded model was opened (null: none, or one from files on disk, which cannot be opened again). */
  get openedFrom(): OpenedModel | null {
    return this.origin && this.model ? { ...this.origin, dtype: this.origin.source === 'hub' ? this.model.dtype : null } : null;
  }

  /** Where the loaded model's files came from, for the Python check of a run (null: no model loaded). */
  scriptFiles(): ModelFiles | null {
    if (!this.model) return null;
    const url = this.modelUrl ? new URL(this.modelUrl, globalThis.location?.href).href.replace(/\/+$/, '') : null;
    return { name: this.modelName, url, graphFiles: this.model.graphFiles, dtype: this.model.dtype, rounding: this.model.rounding };
  }

  /** A model folder the learner picked on their disk: read here, run in the worker, sent nowhere else. */
  async openFiles(files: Record<string, Uint8Array>, name: string): Promise<boolean> {
    const body = { type: 'loadFiles', files, name } as const;
    return this.load(
      name,
      'files',
      (client) => client.call({ ...body, backend: this.backendRequest, ...this.autoOptions() }),
      () => this.runs.idle(),
      (model) => {
        this.modelUrl = '';
        this.origin = null;
        this.measure(this.client!, model, body);
        this.offline = null;
      },
    );
  }

  /** The same model in a new worker on WASM, after the WebGPU device was lost; the run's owner (which calls this
   * from within its run) hands the run over. */
  async reopenOnWasm(): Promise<EngineClient> {
    const origin = this.origin;
    if (!origin || !(await this.openUrl(origin, 'wasm', async () => {}, true))) {
      const error = this.modelError ?? { code: 'device-lost', params: {} };
      this.crashed(error);
      throw new EngineError(error.code, error.params);
    }
    this.model = { ...this.model!, choice: { backend: 'wasm', fallbackReason: 'device-lost' } };
    return this.client!;
  }

  /** Stops a load in progress: its worker is dropped with it, and the current model (if any) stays. */
  cancelLoad(): void {
    if (!this.pending) return;
    this.pending.terminate();
    this.pending = null;
    this.loading = false;
    if (!this.model) this.loadFailure = { error: { code: 'download-cancelled', params: {} }, kind: 'embedded', name: this.loadingName };
  }

  /** Lets go of the model and its workers (a slot no longer shown: the model beside the app's, when the comparison
   * closes). */
  close(): void {
    this.pending?.terminate();
    this.pending = null;
    this.client?.terminate();
    this.client = null;
    this.warmClient?.terminate();
    this.warmClient = null;
    this.model = null;
    this.loading = false;
  }

  /** The worker is gone: offer the reload button instead of failing every later click. */
  crashed(error: EngineErrorData): void {
    this.client?.terminate();
    this.client = null;
    this.loadFailure = { error, kind: 'embedded', name: this.modelName };
    this.model = null;
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

  /** The logit lens of each vector, read in the worker (where W_E and W_U stay): null without a lens. */
  async readLens(vectors: Float32Array[], top: number, track: number | null = null): Promise<LensReading[] | null> {
    if (!this.client || !this.model?.hasLens) return null;
    const copies = vectors.map((vector) => vector.slice());
    return this.client.call({ type: 'readLens', vectors: copies, top, track }, { transfer: copies.map((copy) => copy.buffer) });
  }

  /** The `k` tokens whose embedding rows are nearest `vector` (cosine), read in the worker. */
  async neighbours(vector: Float32Array, k: number, exclude: number): Promise<{ id: number; similarity: number }[]> {
    if (!this.client || !this.model?.hasLens) return [];
    const copy = vector.slice();
    return this.client.call({ type: 'neighbours', vector: copy, k, exclude }, { transfer: [copy.buffer] });
  }

  /** "auto" is measuring this model (it runs on WASM meanwhile): compare with WebGPU in a second worker, keep the
   * faster; `body` loads the same model again. */
  private measure(client: EngineClient, model: LoadResult, body: MeasureBody): void {
    if (model.choice.fallbackReason !== 'measuring') return;
    void measureBackends({
      client,
      model,
      loadOnWebgpu: (probe) =>
        probe.call({
          ...body,
          backend: 'webgpu',
          keepPlainGraph: this.options.keepPlainGraph ?? false,
          ...(body.type === 'load' ? { dtype: model.dtype } : {}),
        }),
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
          // The run moves with the model: the new worker has none yet, so the next step begins afresh.
          this.client = measured.client;
          this.workerRuns.clear();
          client.terminate();
        }
        this.model = measured.model;
      },
    });
  }

  private async whenIdle(): Promise<void> {
    while (this.runs.busy() || this.loading) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type MeasureBody =
  | { type: 'load'; baseUrl: string; source: ModelSource; cacheBase?: string }
  | { type: 'loadFiles'; files: Record<string, Uint8Array>; name: string };
