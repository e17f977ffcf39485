import { EngineClient } from '../engine/client';
import { EngineError, toErrorData, type EngineErrorData } from '../engine/errors';
import type { FileProgress } from '../engine/models/folder';
import type { AutoOptions, LoadResult } from '../engine/protocol';
import type { Dtype } from '../engine/models/precision';
import type { LensReading } from '../engine/lens';
import { keepModelOffline } from '../engine/models/offline';
import { serviceWorkerReady } from '../serviceWorker';
import type { OfflineState } from '../engine/models/storage';
import type { BackendRequest } from '../engine/runtime';
import type { TokenInfo } from '../engine/tokenizer';
import { browserStorage, measureBackends, readChoices } from './autoBackend';
import { defaultCaptureMode, type CaptureMode } from '../engine/capturePlan';

/** The models that ship with the app (public/models), in the Hugging Face layout. */
export const EMBEDDED_MODELS = [
  { name: 'flow-gpt2-tiny', url: `${import.meta.env.BASE_URL}models/flow-gpt2-tiny`, architecture: 'GPT-2' },
  { name: 'flow-llama-tiny', url: `${import.meta.env.BASE_URL}models/flow-llama-tiny`, architecture: 'Llama' },
] as const;
export const EMBEDDED_MODEL = EMBEDDED_MODELS[0];

export type ModelSource = 'embedded' | 'hub';

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

/** The loaded model and the engine worker that holds it: loading (with progress and cancel), the offline copy,
 * "auto"'s backend measuring, and the lens parameters. Runs happen elsewhere (RunController); `runBusy` tells
 * this slot when one is in progress, so a backend change waits for it. */
export class ModelSlot {
  client: EngineClient | null = null;
  model = $state.raw<LoadResult | null>(null);
  modelName = $state('');
  modelUrl = $state('');
  private origin: Origin | null = null;
  loading = $state(false);
  /** The precision Hub models load in (`?dtype=`); null: transformers.js' default for the backend. */
  dtype = $state<Dtype | null>(null);
  progress = $state.raw<FileProgress | null>(null);
  modelError = $state.raw<EngineErrorData | null>(null);
  /** Whether the loaded model's files are stored for use with no network (null: not known yet). */
  offline = $state<OfflineState | null>(null);

  /** A worker started with the page, already compiling onnxruntime's wasm, for the first model to load into. */
  private warmClient: EngineClient | null;
  /** Set while "auto" times both backends: runs wait for it (autoBackend.ts). */
  held: Promise<void> | null = null;
  /** Whose run the current worker holds (a run controller); null for a new worker. */
  holder: object | null = null;

  constructor(
    readonly backendRequest: BackendRequest,
    private readonly runBusy: () => boolean,
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
    return { remembered: readChoices(browserStorage()), softwareGpu: this.options.softwareGpu ?? false, keepPlainGraph: this.options.keepPlainGraph ?? false };
  }

  /** Each model gets a fresh worker (a lost WebGPU device or a failed wasm start cannot be undone in one). */
  private newClient(): EngineClient {
    this.client?.terminate();
    const client = this.warmClient ?? new EngineClient();
    this.warmClient = null;
    return client;
  }

  private begin(name: string, url: string): EngineClient {
    const client = (this.client = this.newClient());
    this.holder = null;
    this.loading = true;
    this.modelError = null;
    this.model = null;
    this.modelName = name;
    this.modelUrl = url;
    this.progress = null; // the last load's progress must not pass for this one's
    return client;
  }

  /** Opens a model folder by URL in a new worker. False when it failed (modelError says why) or was replaced. */
  async open(url: string, name: string, backend: BackendRequest = this.backendRequest, source: ModelSource = 'embedded', cacheBase?: string): Promise<boolean> {
    const client = this.begin(name, url);
    this.origin = { url, name, source, cacheBase };
    try {
      const model = await client.call(
        { type: 'load', baseUrl: url, backend, source, cacheBase, dtype: source === 'hub' ? this.dtype : null, ...this.autoOptions() },
        { onProgress: (p) => (this.progress = p) },
      );
      if (client !== this.client) return false; // cancelled or replaced meanwhile
      this.loaded(client, model, { type: 'load', baseUrl: url, source, cacheBase });
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

  /** A model folder the learner picked on their disk: read here, run in the worker, sent nowhere else. */
  async openFiles(files: Record<string, Uint8Array>, name: string): Promise<boolean> {
    const client = this.begin(name, '');
    this.origin = null;
    try {
      const model = await client.call({ type: 'loadFiles', files, name, backend: this.backendRequest, ...this.autoOptions() });
      this.loaded(client, model, { type: 'loadFiles', files, name });
      this.offline = null;
      return true;
    } catch (error) {
      this.modelError = toErrorData(error);
      return false;
    } finally {
      this.loading = false;
    }
  }

  private loaded(client: EngineClient, model: LoadResult, body: MeasureBody): void {
    this.model = model;
    this.measure(client, model, body);
  }

  /** The same model in a new worker on WASM, after the WebGPU device was lost; the run's owner hands the run over. */
  async reopenOnWasm(): Promise<EngineClient> {
    const origin = this.origin;
    if (!origin || !(await this.open(origin.url, origin.name, 'wasm', origin.source, origin.cacheBase))) {
      throw new EngineError(this.modelError?.code ?? 'device-lost', this.modelError?.params ?? {});
    }
    this.model = { ...this.model!, choice: { backend: 'wasm', fallbackReason: 'device-lost' } };
    return this.client!;
  }

  /** Stops a download in progress: the worker is dropped with it (the caller then loads another model). */
  cancelLoad(): void {
    if (!this.loading) return;
    this.client?.terminate();
    this.client = null;
    this.loading = false;
    this.modelError = { code: 'download-cancelled', params: {} };
  }

  /** The worker is gone: offer the reload button instead of failing every later click. */
  crashed(error: EngineErrorData): void {
    this.modelError = error;
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
    return this.client.call({ type: 'readLens', vectors: vectors.map((vector) => vector.slice()), top, track });
  }

  /** The `k` tokens whose embedding rows are nearest `vector` (cosine), read in the worker. */
  async neighbours(vector: Float32Array, k: number, exclude: number): Promise<{ id: number; similarity: number }[]> {
    if (!this.client || !this.model?.hasLens) return [];
    return this.client.call({ type: 'neighbours', vector: vector.slice(), k, exclude });
  }

  /** "auto" is measuring this model (it runs on WASM meanwhile): compare with WebGPU in a second worker, keep the
   * faster; `body` loads the same model again. */
  private measure(client: EngineClient, model: LoadResult, body: MeasureBody): void {
    if (model.choice.fallbackReason !== 'measuring') return;
    void measureBackends({
      client, model,
      loadOnWebgpu: (probe) => probe.call({ ...body, backend: 'webgpu', keepPlainGraph: this.options.keepPlainGraph ?? false, ...(body.type === 'load' ? { dtype: model.dtype } : {}) }),
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
          this.holder = null;
          client.terminate();
        }
        this.model = measured.model;
      },
    });
  }

  private async whenIdle(): Promise<void> {
    while (this.runBusy() || this.loading) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type MeasureBody = { type: 'load'; baseUrl: string; source: ModelSource; cacheBase?: string } | { type: 'loadFiles'; files: Record<string, Uint8Array>; name: string };
