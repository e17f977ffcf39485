import { EngineClient } from './engineClient';
import { measuredChoice, type BackendTimings, type RememberedChoice, type RememberedChoices } from '../engine/backendChoice';
import type { LoadResult } from '../engine/protocol';

/** The browser's memory of "auto"'s measurements, one per model and adapter (the worker has no localStorage). */
export const CHOICES_KEY = 'transformer-flow.backend-choices';
/** The newest this many are kept. */
export const MAX_CHOICES = 32;

type ReadStorage = Pick<Storage, 'getItem'>;
type WriteStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** localStorage, or null where the page may not use it (private mode, a sandbox). */
export function browserStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The kept measurements; entries that do not have the expected shape (an older version, a hand edit) are left out. */
export function readChoices(storage: ReadStorage | null): RememberedChoices {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage?.getItem(CHOICES_KEY) ?? '{}');
  } catch {
    return {};
  }
  const choices: RememberedChoices = {};
  if (typeof parsed !== 'object' || parsed === null) return choices;
  for (const [key, value] of Object.entries(parsed as Record<string, Partial<RememberedChoice>>)) {
    if ((value?.backend === 'webgpu' || value?.backend === 'wasm') && isTime(value.webgpuMs) && isTime(value.wasmMs) && isTime(value.at)) {
      choices[key] = { backend: value.backend, webgpuMs: value.webgpuMs, wasmMs: value.wasmMs, at: value.at };
    }
  }
  return choices;
}

export function rememberChoice(storage: WriteStorage | null, key: string, choice: RememberedChoice): void {
  if (!storage) return;
  const entries = Object.entries({ ...readChoices(storage), [key]: choice })
    .sort(([, a], [, b]) => b.at - a.at)
    .slice(0, MAX_CHOICES);
  try {
    storage.setItem(CHOICES_KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // storage full or refused: measured again next time
  }
}

export interface MeasureHooks {
  /** The worker the model runs in now, on WASM. */
  client: EngineClient;
  model: LoadResult;
  /** Loads the same model, in the same precision, on WebGPU in the client given. */
  loadOnWebgpu: (client: EngineClient) => Promise<LoadResult>;
  /** Resolves when no run is in progress. */
  whenIdle: () => Promise<void>;
  /** Resolves when no run is in progress, and holds the next runs until the returned function is called. */
  holdRuns: () => Promise<() => void>;
  /** Whether the model has been replaced meanwhile (the measurement is then dropped). */
  stale: () => boolean;
  /** Makes the outcome the page's, while runs are still held (a held run then starts on the kept worker). */
  apply: (measurement: Measurement) => void;
  /** Where the probe's worker comes from (tests give a stand-in). */
  newClient?: () => EngineClient;
}

export type Measurement =
  | { outcome: 'wasm'; model: LoadResult }
  | { outcome: 'webgpu'; model: LoadResult; client: EngineClient }
  | { outcome: 'failed'; model: LoadResult };

/** "auto" on a real GPU, the first time a model runs on it: the model already runs on WASM; once the first run
 * is over (so that its tokens come at full speed), a second worker loads it on WebGPU. Then, with runs held, both
 * time the same short generation; the faster one is kept (with its worker, if WebGPU) and remembered. Nothing is
 * applied when the model was replaced meanwhile. */
export async function measureBackends(hooks: MeasureHooks): Promise<void> {
  // A task later: the caller's first run has started by then.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await hooks.whenIdle();
  if (hooks.stale()) return;
  const failed = (): Measurement => ({
    outcome: 'failed',
    model: { ...hooks.model, choice: { ...hooks.model.choice, fallbackReason: 'session-failed' }, choiceKey: null },
  });
  const probe = (hooks.newClient ?? (() => new EngineClient()))();
  let webgpuModel: LoadResult;
  try {
    webgpuModel = await hooks.loadOnWebgpu(probe);
  } catch {
    probe.terminate();
    if (!hooks.stale()) hooks.apply(failed());
    return;
  }
  const release = await hooks.holdRuns();
  let kept = false;
  try {
    if (hooks.stale()) return;
    const timings: BackendTimings = { wasmMs: await hooks.client.call({ type: 'time' }), webgpuMs: await probe.call({ type: 'time' }) };
    if (hooks.stale()) return;
    const choice = measuredChoice(timings, hooks.model.choice.adapter);
    if (hooks.model.choiceKey)
      rememberChoice(browserStorage(), hooks.model.choiceKey, { backend: choice.backend, ...timings, at: Date.now() });
    kept = choice.backend === 'webgpu';
    hooks.apply(
      kept
        ? { outcome: 'webgpu', model: { ...webgpuModel, choice, choiceKey: null }, client: probe }
        : { outcome: 'wasm', model: { ...hooks.model, choice, choiceKey: null } },
    );
  } catch {
    if (!hooks.stale()) hooks.apply(failed());
  } finally {
    if (!kept) probe.terminate();
    release();
  }
}
