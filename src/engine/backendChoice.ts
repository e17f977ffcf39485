import type { Backend, BackendChoice, BackendRequest, FallbackReason } from './runtime';

/** How "auto" picks a backend; pure, so that the rules are unit-tested without a browser.
 *
 * - No WebGPU, no adapter, or a software adapter (SwiftShader, llvmpipe, Microsoft Basic Render: WebGPU emulated
 *   on the CPU, 50× slower than WASM for our models): WASM.
 * - A real GPU and a model measured before on it: the backend that was faster then.
 * - A real GPU and a model small enough to hold twice: WASM at once (its first token comes soonest), while a
 *   second worker loads the model on WebGPU; both time the same short generation, and the faster one stays.
 * - A real GPU and a larger model: WebGPU without measuring (loading it twice costs more than a guess; large
 *   models are where GPUs win). */

/** The parts of a GPUAdapterInfo that say what the adapter is. */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface AdapterReport {
  kind: 'none' | 'software' | 'hardware';
  /** Why there is none. */
  reason: 'no-webgpu' | 'no-adapter' | null;
  /** What the adapter's info names (vendor, architecture, device, description), e.g. "google swiftshader". */
  description: string;
}

/** Renderers that run WebGPU on the CPU. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render/i;

export function describeAdapter(info: AdapterInfoLike): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].map((part) => part?.trim() ?? '').filter(Boolean);
  return [...new Set(parts)].join(' ');
}

/** `adapterIsFallback`: the older `GPUAdapter.isFallbackAdapter` (Chromium 156 has it on the info instead). */
export function isSoftwareAdapter(info: AdapterInfoLike, adapterIsFallback = false): boolean {
  return adapterIsFallback || info.isFallbackAdapter === true || SOFTWARE_RENDERERS.test(describeAdapter(info));
}

/** Milliseconds per generated token (capture included) on each backend. */
export interface BackendTimings {
  webgpuMs: number;
  wasmMs: number;
}

/** A measurement kept in the browser, per model and adapter. */
export interface RememberedChoice extends BackendTimings {
  backend: Backend;
  /** When it was measured (ms since 1970), to keep the newest few. */
  at: number;
}

export type RememberedChoices = Record<string, RememberedChoice>;

/** Weights up to this size are measured on both backends (two copies are in memory while measuring). */
export const MEASURE_LIMIT_BYTES = 256 * 2 ** 20;

export type AutoPlan =
  | { kind: 'wasm'; reason: 'no-webgpu' | 'no-adapter' | 'software-adapter' }
  | { kind: 'remembered'; remembered: RememberedChoice }
  | { kind: 'measure' }
  | { kind: 'webgpu' };

export function planAuto(adapter: AdapterReport, weightBytes: number, remembered: RememberedChoice | undefined): AutoPlan {
  if (adapter.kind === 'none') return { kind: 'wasm', reason: adapter.reason ?? 'no-adapter' };
  if (adapter.kind === 'software') return { kind: 'wasm', reason: 'software-adapter' };
  if (remembered) return { kind: 'remembered', remembered };
  return weightBytes <= MEASURE_LIMIT_BYTES ? { kind: 'measure' } : { kind: 'webgpu' };
}

/** The session request a plan makes: 'auto' here means WebGPU, with WASM if its session cannot be created. */
export function planRequest(plan: AutoPlan): { request: BackendRequest; wasmReason: FallbackReason } {
  switch (plan.kind) {
    case 'wasm':
      return { request: 'wasm', wasmReason: plan.reason };
    case 'remembered':
      return plan.remembered.backend === 'webgpu'
        ? { request: 'auto', wasmReason: 'session-failed' }
        : { request: 'wasm', wasmReason: 'measured' };
    case 'measure':
      return { request: 'wasm', wasmReason: 'measuring' };
    case 'webgpu':
      return { request: 'auto', wasmReason: 'session-failed' };
  }
}

/** What the badge shows for a plan once its session runs (`ran`: the backend that really opened). */
export function planChoice(plan: AutoPlan, ran: BackendChoice, adapter: string): BackendChoice {
  const choice: BackendChoice = { ...ran, ...(adapter ? { adapter } : {}) };
  if (ran.fallbackReason === 'session-failed') return choice;
  if (plan.kind === 'remembered') {
    const { webgpuMs, wasmMs } = plan.remembered;
    return {
      ...choice,
      ...(ran.backend === 'webgpu' ? { webgpuReason: 'measured' } : {}),
      timings: { webgpuMs, wasmMs, remembered: true },
    };
  }
  if (plan.kind === 'webgpu' && ran.backend === 'webgpu') return { ...choice, webgpuReason: 'large-model' };
  return choice;
}

/** The faster backend; WASM on a tie (it loads sooner and holds no GPU memory). */
export function fasterBackend(timings: BackendTimings): Backend {
  return timings.webgpuMs < timings.wasmMs ? 'webgpu' : 'wasm';
}

/** The choice after a measurement. */
export function measuredChoice(timings: BackendTimings, adapter: string | undefined): BackendChoice {
  const backend = fasterBackend(timings);
  const measured = { timings: { ...timings, remembered: false }, ...(adapter ? { adapter } : {}) };
  return backend === 'webgpu'
    ? { backend, fallbackReason: null, webgpuReason: 'measured', ...measured }
    : { backend, fallbackReason: 'measured', ...measured };
}

/** Where a measurement is kept: the model (its folder and graph file, so each precision is measured on its own)
 * and the adapter. */
export function choiceKey(model: string, graphFile: string, adapter: string): string {
  return `${model}#${graphFile} @ ${adapter}`;
}

/** The reason the badge names (an i18n key's last part), or null when WebGPU simply ran. */
export function choiceReason(choice: BackendChoice): FallbackReason | 'measured' | 'forced' | 'large-model' | null {
  return choice.fallbackReason ?? choice.webgpuReason ?? null;
}
