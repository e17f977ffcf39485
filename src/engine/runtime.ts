import type * as Ort from 'onnxruntime-web/webgpu';
import { onnx } from 'onnx-proto';
import { EngineError } from './errors';
import type { ExternalDataFile } from './models/externalData';
import { describeAdapter, isSoftwareAdapter, type AdapterInfoLike, type AdapterReport, type BackendTimings } from './backendChoice';

export type Backend = 'webgpu' | 'wasm';
export type BackendRequest = Backend | 'auto';
/** Why the engine runs on WASM: the URL asked for it; no WebGPU, no adapter or only a software one; WebGPU's
 * session failed or its device was lost; "auto" measured WASM faster, or is measuring WebGPU right now. */
export type FallbackReason =
  'forced' | 'no-webgpu' | 'no-adapter' | 'software-adapter' | 'session-failed' | 'device-lost' | 'measured' | 'measuring';

export interface BackendChoice {
  backend: Backend;
  /** Why WASM runs (null on WebGPU). */
  fallbackReason: FallbackReason | null;
  /** Why WebGPU runs, when there is more to say than "it is there": the URL, a measurement, or a model too large
   * to time on both backends. */
  webgpuReason?: 'forced' | 'measured' | 'large-model';
  /** "auto"'s measurement: milliseconds per generated token on each backend; `remembered` when read from the
   * browser's memory of an earlier load. */
  timings?: BackendTimings & { remembered: boolean };
  /** The WebGPU adapter as its info names it. */
  adapter?: string;
}

export type OrtModule = typeof Ort;
export type Tensor = Ort.Tensor;
export type Feeds = Record<string, Tensor>;
export type Outputs = Record<string, Tensor>;
/** Makes an input tensor with the onnxruntime build that will read it. */
export type TensorFactory = (
  type: 'int64' | 'float32' | 'float16',
  data: BigInt64Array | Float32Array | Uint16Array,
  dims: number[],
) => Tensor;

/** onnxruntime-web in two builds, each loaded only when its backend is used: the CPU-only build (14 MB of wasm)
 * runs the WASM backend about a third faster per token, and compiles in half the time, than the WebGPU build's
 * asyncify wasm (27 MB), which WebGPU needs. A lost device or a failed WebGPU session loads the CPU build too. */
const runtimes: Partial<Record<Backend, Promise<OrtModule>>> = {};
export function runtimeFor(backend: Backend): Promise<OrtModule> {
  runtimes[backend] ??= (backend === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm')).then((ort) => {
    // Warnings only clutter the console: WebGPU's "Some nodes were not assigned to the preferred execution
    // providers" (shape bookkeeping kept on the CPU, as intended) arrives as a console.error on every load.
    // Read once, when the wasm initialises: set before the first session.
    ort.env.logLevel = 'error';
    return ort;
  });
  return runtimes[backend]!;
}

/** Session options for a backend, with onnxruntime's own log at error level (see runtimeFor). */
export function sessionOptions(
  backend: Backend,
  externalData: readonly ExternalDataFile[] = [],
  gpuOutputs: readonly string[] = [],
): Ort.InferenceSession.SessionOptions {
  // Outputs only the next forward pass reads (the KV cache's presents) stay in GPU memory on WebGPU: copying them
  // to the CPU and back costs more each token as the cache grows. Only on a WebGPU session (docs/runtime-notes.md).
  const gpu =
    backend === 'webgpu' && gpuOutputs.length > 0
      ? { preferredOutputLocation: Object.fromEntries(gpuOutputs.map((name) => [name, 'gpu-buffer' as const])) }
      : {};
  return {
    executionProviders: [backend],
    logSeverityLevel: 3,
    ...gpu,
    ...(externalData.length > 0 ? { externalData: [...externalData] } : {}),
  };
}

/** Frees tensors that live in GPU memory (a KV cache no forward pass will read again); CPU tensors are left to the
 * garbage collector. */
export function releaseGpuTensors(tensors: Iterable<Tensor>): void {
  for (const tensor of tensors) {
    if (tensor.location !== 'gpu-buffer') continue;
    try {
      tensor.dispose();
    } catch {
      // (a lost device has freed it already)
    }
  }
}

interface GPUAdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
  features?: { has(name: string): boolean };
}

function requestAdapter(): Promise<GPUAdapterLike | null> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<GPUAdapterLike | null> } })?.gpu;
  if (!gpu) return Promise.resolve(null);
  return gpu.requestAdapter().catch(() => null);
}

/** Whether this browser can give WebGPU an adapter (navigator.gpu alone proves nothing: docs/runtime-notes.md). Any adapter,
 * software ones included: for a session WebGPU was asked for. */
export async function webgpuStatus(): Promise<FallbackReason | null> {
  if (!(globalThis.navigator as Navigator & { gpu?: unknown })?.gpu) return 'no-webgpu';
  return (await requestAdapter()) ? null : 'no-adapter';
}

/** The adapter WebGPU would run on, and whether it is a real GPU. `softwareCounts` makes a software adapter count
 * as one (for tests and demos of the measurement in headless Chromium, whose only adapter is SwiftShader). */
export async function inspectAdapter(softwareCounts = false): Promise<AdapterReport> {
  if (!(globalThis.navigator as Navigator & { gpu?: unknown })?.gpu) return { kind: 'none', reason: 'no-webgpu', description: '' };
  const adapter = await requestAdapter();
  if (!adapter) return { kind: 'none', reason: 'no-adapter', description: '' };
  const info = adapter.info ?? {};
  const software = isSoftwareAdapter(info, adapter.isFallbackAdapter === true);
  return {
    kind: software && !softwareCounts ? 'software' : 'hardware',
    reason: null,
    description: describeAdapter(info) || 'unknown adapter',
  };
}

/** Whether the WebGPU adapter computes in half precision (`shader-f16`): transformers.js' default precision on
 * WebGPU depends on it. Headless Chromium's SwiftShader adapter has no shader-f16 (docs/runtime-notes.md). */
export async function webgpuHasShaderF16(): Promise<boolean> {
  return Boolean((await requestAdapter())?.features?.has('shader-f16'));
}

/** One onnxruntime-web session: WebGPU first, WASM when WebGPU is missing or its session cannot be created. */
export class ModelSession {
  /** Resolves when the WebGPU device under this session is lost (never, on WASM). */
  private readonly deviceLost: Promise<string>;
  private lostReason: string | null = null;

  private constructor(
    private readonly session: Ort.InferenceSession,
    readonly choice: BackendChoice,
    private readonly ort: OrtModule,
  ) {
    this.deviceLost = choice.backend === 'webgpu' ? watchDeviceLoss() : new Promise(() => {});
    void this.deviceLost.then((reason) => (this.lostReason = reason));
  }

  /** `wasmReason` says why a WASM request is one (the URL forced it, or WebGPU failed a moment ago); `externalData`
   * holds the weights a large graph keeps in files of their own (`model.onnx_data`). */
  static async create(
    bytes: Uint8Array,
    request: BackendRequest,
    wasmReason: FallbackReason = 'forced',
    externalData: readonly ExternalDataFile[] = [],
    gpuOutputs: readonly string[] = [],
  ): Promise<ModelSession> {
    await warming;
    let fallbackReason: FallbackReason | null = request === 'wasm' ? wasmReason : await webgpuStatus();
    if (fallbackReason === null) {
      try {
        const ort = await runtimeFor('webgpu');
        const session = await ort.InferenceSession.create(bytes, sessionOptions('webgpu', externalData, gpuOutputs));
        return new ModelSession(
          session,
          { backend: 'webgpu', fallbackReason: null, ...(request === 'webgpu' ? { webgpuReason: 'forced' as const } : {}) },
          ort,
        );
      } catch (error) {
        if (request === 'webgpu') throw new EngineError('session-failed', { backend: 'webgpu', detail: message(error) });
        fallbackReason = 'session-failed';
      }
    } else if (request === 'webgpu') {
      throw new EngineError('session-failed', { backend: 'webgpu', detail: fallbackReason });
    }
    try {
      const ort = await runtimeFor('wasm');
      const session = await ort.InferenceSession.create(bytes, sessionOptions('wasm', externalData));
      return new ModelSession(session, { backend: 'wasm', fallbackReason }, ort);
    } catch (error) {
      throw new EngineError('session-failed', { backend: 'wasm', detail: message(error) });
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  readonly tensor: TensorFactory = (type, data, dims) => new this.ort.Tensor(type, data, dims);

  /** Runs the graph; `fetches` names the outputs wanted (all of them when absent): the others are computed as
   * intermediates and never copied out. */
  run(feeds: Feeds, fetches?: readonly string[]): Promise<Outputs> {
    const result = running.then(() => this.runNow(feeds, fetches));
    running = result.catch(() => undefined);
    return result;
  }

  private async runNow(feeds: Feeds, fetches?: readonly string[]): Promise<Outputs> {
    try {
      return (await (fetches ? this.session.run(feeds, fetches) : this.session.run(feeds))) as Outputs;
    } catch (error) {
      const detail = message(error);
      if (this.choice.backend === 'webgpu') {
        // A lost device shows up as many different run errors (a failed buffer map, a destroyed device…);
        // its `lost` promise is the reliable signal, and it may settle a moment after run() rejects.
        const reason = this.lostReason ?? (await Promise.race([this.deviceLost, delay(200).then(() => null)]));
        if (reason !== null) throw new EngineError('device-lost', { detail: reason || detail });
      }
      throw new EngineError('internal', { detail });
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** The run under way, whichever session runs it: a capture asked for while a generation runs waits for the token in
 * progress (onnxruntime runs one call at a time, and a recompute's piece of the graph shares the runtime). */
let running: Promise<unknown> = Promise.resolve();

/** The warm-up under way: a session is created only after it (WebGPU refuses two sessions being created at once). */
let warming: Promise<void> = Promise.resolve();

/** Loads the runtimes the request will most likely use and initialises their wasm (the longest step of the first
 * load: compiling megabytes of WebAssembly) while the model files are still downloading. Best effort. */
export function warmUp(backends: readonly Backend[]): Promise<void> {
  warming = (async () => {
    for (const backend of backends) await initialise(backend);
  })();
  return warming;
}

async function initialise(backend: Backend): Promise<void> {
  try {
    const ort = await runtimeFor(backend);
    const session = await ort.InferenceSession.create(identityModel(), sessionOptions(backend));
    await session.release();
  } catch {
    // the real load reports what went wrong
  }
}

/** The smallest graph a session accepts: y = Identity(x), x float [1]. */
function identityModel(): Uint8Array {
  const value = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'warm-up', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [value('x')], output: [value('y')] },
  }).finish();
}

/** For tests and demos: destroys the WebGPU device under the running session, as a driver reset would. */
export async function loseWebgpuDevice(): Promise<boolean> {
  const device = await currentDevice();
  if (!device) return false;
  device.destroy();
  return true;
}

interface GPUDeviceLike {
  destroy(): void;
  lost?: Promise<{ reason?: string; message?: string }>;
}

async function currentDevice(): Promise<GPUDeviceLike | null> {
  try {
    const ort = await runtimes.webgpu;
    if (!ort) return null;
    return (await (ort.env.webgpu as unknown as { device?: Promise<GPUDeviceLike> | GPUDeviceLike }).device) ?? null;
  } catch {
    return null;
  }
}

/** The message of the current WebGPU device's loss, once it happens. */
async function watchDeviceLoss(): Promise<string> {
  const device = await currentDevice();
  if (!device?.lost) return new Promise(() => {});
  const info = await device.lost;
  return `${info.reason ?? 'lost'}${info.message ? `: ${info.message}` : ''}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
