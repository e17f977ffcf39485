import type { ModelSlot } from './modelSlot.svelte';
import type { RunController } from './runController.svelte';
import type { WhatIf } from './whatIf.svelte';
import type { HeadRolesTest } from './headRoles.svelte';
import type { PatchingLab } from './patching.svelte';
import type { Playback } from '../flow/playback.svelte';
import type { Player } from '../flow/player.svelte';
import type { assembled, computedPositions, exportTrace } from '../engine/trace';
import type { logitLens } from '../engine/lens';
import type { SourceId } from '../engine/models/sources';
import type { DeviceBudget } from '../engine/models/listing';

/** The model beside the app's in the comparison of two architectures, while it is open. */
export interface BesideDebug {
  slot: ModelSlot;
  runs: RunController;
  playback: Playback;
}

/** What tests and demos reach the live app through. The app registers it only with `?debug` in the URL; the tests
 * import it as a type, so a renamed field fails the type check instead of a run in a browser. */
export interface FlowDebug {
  slot: ModelSlot;
  runs: RunController;
  whatIf: WhatIf;
  headRoles: HeadRolesTest;
  patching: PatchingLab;
  playback: Playback;
  player: Player;
  exportTrace: typeof exportTrace;
  assembled: typeof assembled;
  computedPositions: typeof computedPositions;
  logitLens: typeof logitLens;
  /** Resolves once the detail views have drawn what the last change asked for. */
  drawn: () => Promise<void>;
  beside?: BesideDebug;
}

/** What a test sets before the page loads (an init script), read only with `?debug`: the hosts each model source's
 * requests go to (local servers imitating them), and the room the browser reports for models. */
export interface FlowTestSettings {
  sourceOrigins?: Partial<Record<SourceId, string>>;
  deviceBudget?: DeviceBudget;
}

declare global {
  interface Window {
    __flow?: FlowDebug;
    __flowTest?: FlowTestSettings;
  }
}

/** The test's settings with `?debug` in the URL; none otherwise. */
export function testSettings(): FlowTestSettings {
  return new URLSearchParams(location.search).has('debug') ? (window.__flowTest ?? {}) : {};
}

/** Registers the handle (with `?debug` only: the caller checks). */
export function registerDebugHandle(handle: FlowDebug): void {
  window.__flow = handle;
}

/** Adds the model beside to a registered handle, or takes it away (`null`); nothing without `?debug`. */
export function registerBeside(beside: BesideDebug | null): void {
  if (!window.__flow) return;
  if (beside) window.__flow.beside = beside;
  else delete window.__flow.beside;
}
