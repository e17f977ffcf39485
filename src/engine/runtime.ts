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
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly choice: BackendChoice,
  ) {}

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
      if (this.choice.backend === 'webgpu' && /device (was )?lost|destroyed/i.test(detail)) {
        throw new EngineError('device-lost', { detail });
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
  const device = (await (ort.env.webgpu as unknown as { device?: Promise<GPUDeviceLike> | GPUDeviceLike }).device) ?? null;
  if (!device) return false;
  device.destroy();
  return true;
}

interface GPUDeviceLike {
  destroy(): void;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { ort };
