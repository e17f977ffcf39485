import * as ort from 'onnxruntime-web/webgpu';
import { EngineError } from './errors';

export type Backend = 'webgpu' | 'wasm';
export type BackendRequest = Backend | 'auto';
/** Why the engine runs on WASM although WebGPU comes first. */
export type FallbackReason = 'forced' | 'no-webgpu' | 'no-adapter' | 'session-failed' | 'device-lost';

export interface BackendChoice {
  backend: Backend;
  fallbackReason: FallbackReason | null;
}

export type Feeds = Record<string, ort.Tensor>;
export type Outputs = Record<string, ort.Tensor>;

/** Whether this browser can give WebGPU an adapter (navigator.gpu alone proves nothing: PITFALLS). */
export async function webgpuStatus(): Promise<FallbackReason | null> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } })?.gpu;
  if (!gpu) return 'no-webgpu';
  try {
    return (await gpu.requestAdapter()) ? null : 'no-adapter';
  } catch {
    return 'no-adapter';
  }
}

/** One onnxruntime-web session: WebGPU first, WASM when WebGPU is missing or its session cannot be created. */
export class ModelSession {
  /** Resolves when the WebGPU device under this session is lost (never, on WASM). */
  private readonly deviceLost: Promise<string>;
  private lostReason: string | null = null;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly choice: BackendChoice,
  ) {
    this.deviceLost = choice.backend === 'webgpu' ? watchDeviceLoss() : new Promise(() => {});
    void this.deviceLost.then((reason) => (this.lostReason = reason));
  }

  static async create(bytes: Uint8Array, request: BackendRequest): Promise<ModelSession> {
    let fallbackReason: FallbackReason | null = request === 'wasm' ? 'forced' : await webgpuStatus();
    if (fallbackReason === null) {
      try {
        const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
        return new ModelSession(session, { backend: 'webgpu', fallbackReason: null });
      } catch (error) {
        if (request === 'webgpu') throw new EngineError('session-failed', { backend: 'webgpu', detail: message(error) });
        fallbackReason = 'session-failed';
      }
    } else if (request === 'webgpu') {
      throw new EngineError('session-failed', { backend: 'webgpu', detail: fallbackReason });
    }
    try {
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      return new ModelSession(session, { backend: 'wasm', fallbackReason });
    } catch (error) {
      throw new EngineError('session-failed', { backend: 'wasm', detail: message(error) });
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  async run(feeds: Feeds): Promise<Outputs> {
    try {
      return (await this.session.run(feeds)) as Outputs;
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
    return ((await (ort.env.webgpu as unknown as { device?: Promise<GPUDeviceLike> | GPUDeviceLike }).device) ?? null);
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

export { ort };
