import type { BackendRequest } from '../engine/runtime';
import type { Dtype } from '../engine/models/precision';
import { EngineError } from '../engine/errors';
import type { Intervention } from '../engine/probe/intervention';
import { EMBEDDED_MODEL, EMBEDDED_MODELS, ModelSlot, type ModelSource, type SlotOptions } from './modelSlot.svelte';
import { DEFAULT_SETTINGS, RunController, sanitizeSettings, type Notice, type RunSettings } from './runController.svelte';

export { EMBEDDED_MODEL, EMBEDDED_MODELS, DEFAULT_SETTINGS, sanitizeSettings, type Notice, type RunSettings };

/** The app's model and its run, as the components see them: the model slot (worker, loading, offline copy) and
 * the run controller (generate, step, stop, recovery) side by side. Reading goes straight to the part that owns a
 * value; the actions that involve both (a new model stops the run first) are here. */
export class RunState {
  readonly slot: ModelSlot;
  readonly runs: RunController;

  constructor(backendRequest: BackendRequest, options: SlotOptions = {}) {
    this.slot = new ModelSlot(backendRequest, { busy: () => this.runs.generating, idle: () => this.runs.idle() }, options);
    this.runs = new RunController(this.slot);
  }

  get client() { return this.slot.client; }
  get model() { return this.slot.model; }
  get modelName() { return this.slot.modelName; }
  get modelUrl() { return this.slot.modelUrl; }
  /** No model to use while one loads (the first load, or after a crash). A model loading in place of another
   * leaves the current one usable: see `incoming`. */
  get loading() { return this.slot.loading && !this.slot.model; }
  /** The model being loaded, beside the current one or in place of none; null when no load is under way. */
  get incoming() { return this.slot.loading ? this.slot.loadingName : null; }
  get progress() { return this.slot.progress; }
  get modelError() { return this.slot.modelError; }
  get loadFailure() { return this.slot.loadFailure; }
  get offline() { return this.slot.offline; }
  get dtype() { return this.slot.dtype; }
  set dtype(dtype: Dtype | null) { this.slot.dtype = dtype; }

  get trace() { return this.runs.trace; }
  get viewTrace() { return this.runs.viewTrace; }
  get generating() { return this.runs.generating; }
  get runError() { return this.runs.runError; }
  get notices() { return this.runs.notices; }
  get completedRuns() { return this.runs.completedRuns; }

  /** Loads a model chosen by the learner beside the current one, which stays usable until the new one is ready
   * (a run in progress then stops). */
  load(url: string, name: string, backend?: BackendRequest, source: ModelSource = 'embedded', cacheBase?: string): Promise<boolean> {
    return this.slot.open(url, name, backend, source, cacheBase);
  }

  /** A model folder the learner picked on their disk. */
  loadFiles(files: Record<string, Uint8Array>, name: string): Promise<boolean> {
    return this.slot.openFiles(files, name);
  }

  cancelLoad(): void { this.slot.cancelLoad(); }
  describe(ids: number[]) { return this.slot.describe(ids); }
  tokenize(text: string) { return this.slot.tokenize(text); }
  readLens(vectors: Float32Array[], top: number, track: number | null = null) { return this.slot.readLens(vectors, top, track); }
  neighbours(vector: Float32Array, k: number, exclude: number) { return this.slot.neighbours(vector, k, exclude); }
  /** The sequence once more through the model with no cache (and the run's switched-off parts): `hooks` at every
   * position. */
  async recompute(ids: number[], intervention: Intervention | null, hooks: readonly string[]) {
    if (!this.slot.client) throw new EngineError('internal', { detail: 'no model loaded' });
    return (await this.slot.client.call({ type: 'capture', ids, hooks: [...hooks], intervention, from: 0 })).tensors;
  }
  generate(prompt: string, settings: RunSettings) { return this.runs.generate(prompt, settings); }
  step(prompt: string, settings: RunSettings) { return this.runs.step(prompt, settings); }
  stop(): void { this.runs.stop(); }
}
