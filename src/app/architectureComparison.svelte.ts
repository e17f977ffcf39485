import { Playback } from '../flow/playback.svelte';
import { alignedFrame, buildTimeline, type Frame } from '../flow/timeline';
import { flowChartFor, programRank, type NodeId } from '../flow/chart';
import { architectureDifferences, differingNodes, type ArchitectureDifference } from '../flow/architectureDiff';
import type { ModelConfig } from '../engine/models/config';
import type { BackendRequest } from '../engine/runtime';
import type { Trace } from '../engine/trace';
import type { ModelSlot, OpenedModel } from './modelSlot.svelte';
import { EMBEDDED_MODELS } from './embeddedModels';
import { modelWithRuns, type RunController, type RunSettings } from './runController.svelte';

/** A model that can stand beside the app's: an embedded one, or an open model loaded in this tab before (its family
 * as it was then; null for an embedded model, whose architecture is known). */
export interface BesideModel extends OpenedModel {
  family: string | null;
}

const EMBEDDED_BESIDE: BesideModel[] = EMBEDDED_MODELS.map((model) => ({
  url: model.url,
  name: model.name,
  source: 'embedded',
  cacheBase: undefined,
  dtype: null,
  family: null,
}));

/** Two architectures side by side: a second model in a worker of its own, running the app's prompt with the app's
 * settings and seed, and its chart's playback, which follows the app's box by box. The page's components read it;
 * `ArchitectureCompare` drives it (`follow`, `rerun`, `align`). */
export class ArchitectureComparison {
  /** The model beside and its runs. */
  readonly slot: ModelSlot;
  readonly runs: RunController;
  readonly playback = new Playback();
  /** The model the learner picked to stand beside, by name (null: the other embedded architecture than the app's). */
  choice = $state<string | null>(null);
  /** Open models loaded in this tab, the newest first (the app's list: any of them can stand beside). */
  opened = $state.raw<BesideModel[]>([]);
  /** The app's run the model beside last ran (its id, steps and ending, and the load it ran on). */
  private ranFor = '';
  /** The app's frame "Show it" put both charts on (the chart beside then stands at its own box of the topic, not the
   * aligned one, until the app's chart moves). */
  private shownAt: number | null = null;

  constructor(backend: BackendRequest) {
    const beside = modelWithRuns(backend);
    this.slot = beside.slot;
    this.runs = beside.runs;
  }

  /** The models that can stand beside the app's `appModel`: the embedded ones, then the open models loaded before. */
  candidates(appModel: string): BesideModel[] {
    return [...EMBEDDED_BESIDE, ...this.opened.filter((model) => !EMBEDDED_BESIDE.some((e) => e.name === model.name))].filter(
      (model) => model.name !== appModel,
    );
  }

  /** The model to stand beside the app's `appModel`: the one picked, else an embedded model of another architecture
   * (an embedded model trained further shares its base model's). `anotherArchitecture` (a lesson's comparison of two
   * architectures): the one picked only if its architecture differs from the app model's. */
  besideFor(appModel: string, anotherArchitecture = false): BesideModel {
    const candidates = this.candidates(appModel);
    const architectureOf = (name: string) => EMBEDDED_MODELS.find((model) => model.name === name)?.architecture;
    const architecture = architectureOf(appModel);
    const differs = (candidate: BesideModel) => architecture === undefined || architectureOf(candidate.name) !== architecture;
    const picked = candidates.find((model) => model.name === this.choice && (!anotherArchitecture || differs(model)));
    return picked ?? candidates.find(differs) ?? candidates[0] ?? EMBEDDED_BESIDE[1]!;
  }

  /** The config of the model beside, once it is the one asked for. */
  besideConfig(besideName: string): ModelConfig | null {
    return this.slot.modelName === besideName ? (this.runs.trace?.config ?? this.slot.model?.config ?? null) : null;
  }

  /** The load under way, while one is. */
  private opening: Promise<boolean> | null = null;
  /** The run beside under way (rerun), while one is. */
  private running: Promise<void> | null = null;

  /** Loads `model` beside, unless it is the one loaded or loading (an open model from where the app loaded it, in
   * the same precision: from the browser's storage where it was kept). */
  follow(model: BesideModel): void {
    const slot = this.slot;
    // (An open model loaded again at another precision is another model beside.)
    const same = slot.model !== null && slot.modelName === model.name && (model.source !== 'hub' || slot.model.dtype === model.dtype);
    if (same || (slot.loading && slot.loadingName === model.name)) return;
    slot.dtype = model.dtype;
    const opening = this.slot.open(model.url, model.name, undefined, model.source, model.cacheBase).finally(() => {
      if (this.opening === opening) this.opening = null;
    });
    this.opening = opening;
  }

  /** The app's run `trace` (of `appModel`) run beside it, for a lesson: the model beside loaded first, then the same
   * prompt, settings and seed. The run beside once it has ended as its own run (not stopped, not failed, the same
   * prompt); null when it cannot be had. */
  async runFor(trace: Trace, appModel: string, settings: RunSettings): Promise<Trace | null> {
    const model = this.besideFor(appModel, true);
    this.follow(model);
    while (this.opening) await this.opening;
    if (this.slot.modelName !== model.name || !this.slot.model) return null;
    // A run beside of an earlier run of the app's ends first (it is stopped when the app runs something new).
    for (let tries = 0; tries < 3 && !this.isCurrent(trace, model.name); tries++) {
      while (this.running) await this.running;
      if (this.isCurrent(trace, model.name)) break;
      // (A run for the same key that was stopped or failed runs again.)
      this.ranFor = '';
      this.rerun(trace, false, settings);
      if (this.running) await this.running;
    }
    return this.isCurrent(trace, model.name) ? this.runs.trace : null;
  }

  /** What the app's run is, for the run beside: a new run, each step, and its end. */
  private keyOf(trace: Trace): string {
    return `${trace.runId}:${trace.steps.length}:${trace.stopReason}:${this.slot.loadSerial}`;
  }

  /** Whether the run beside is the app's run `trace` (the same prompt, as many steps, on the model shown), run to
   * its own end: not stopped, not failed (its trace would then be an earlier one). */
  isCurrent(trace: Trace | null, besideName: string): boolean {
    const beside = this.runs.trace;
    return (
      trace !== null &&
      beside !== null &&
      this.slot.modelName === besideName &&
      this.ranFor === this.keyOf(trace) &&
      !this.runs.generating &&
      this.runs.runError === null &&
      beside.prompt === trace.prompt &&
      beside.stopReason !== null &&
      beside.stopReason !== 'stopped'
    );
  }

  /** Runs the app's run again beside it, once it has ended and both models are here (one at a time: the two share
   * the machine). The same prompt, settings and seed, and as many new tokens. */
  rerun(trace: Trace | null, appGenerating: boolean, settings: RunSettings): void {
    if (appGenerating) {
      // The app runs something new: what is beside is no longer its match.
      if (this.runs.generating) this.runs.stop();
      return;
    }
    if (!trace || trace.stopReason === null || !this.slot.model || this.slot.loading || this.runs.generating) return;
    const key = this.keyOf(trace);
    if (key === this.ranFor) return;
    this.ranFor = key;
    const running = this.runs
      .generate(trace.prompt, {
        ...settings,
        ...trace.settings,
        seed: trace.seed,
        maxNewTokens: Math.max(1, trace.steps.length),
      })
      .finally(() => {
        if (this.running === running) this.running = null;
      });
    this.running = running;
  }

  /** The frames of the run beside, rebuilt as it grows. */
  rebuild(): void {
    const trace = this.runs.trace;
    if (trace) this.playback.setFrames(buildTimeline(flowChartFor(trace.config), trace.steps.length));
  }

  /** The chart beside stands where the app's stands (`index`: the app's frame). */
  align(target: Frame, index: number): void {
    if (index === this.shownAt) return;
    this.shownAt = null;
    this.playback.jumpTo(alignedFrame(this.playback.frames, target, programRank));
  }

  /** The step the app's chart shows that the run beside did not reach (it ended sooner), or null. */
  endedBefore(target: Frame): number | null {
    const last = this.runs.trace?.steps.length ?? 0;
    return last > 0 && target.step >= last && target.node !== 'end' && target.node !== 'start' ? last : null;
  }

  differences(first: ModelConfig | null, second: ModelConfig | null): ArchitectureDifference[] {
    return first && second ? architectureDifferences(first, second) : [];
  }

  /** The boxes of `config`'s chart to mark. */
  marked(config: ModelConfig | null, differences: readonly ArchitectureDifference[]): NodeId[] {
    return config
      ? differingNodes(
          differences,
          flowChartFor(config).nodes.map((node) => node.id),
        )
      : [];
  }

  /** Both charts to their own first box of a topic, at the step the app's shows (in its layer, or the first). */
  show(nodes: readonly NodeId[], app: Playback): void {
    const at = (playback: Playback, frame: Frame) =>
      playback.frames.findIndex(
        (f) => f.step === frame.step && nodes.includes(f.node) && (f.layer === null || f.layer === (frame.layer ?? 0)),
      );
    const frame = app.frame;
    const index = at(app, frame);
    if (index >= 0) app.jumpTo(index);
    this.shownAt = app.index;
    const beside = at(this.playback, { ...frame, step: Math.min(frame.step, Math.max(0, (this.runs.trace?.steps.length ?? 1) - 1)) });
    if (beside >= 0) this.playback.jumpTo(beside);
  }

  close(): void {
    this.slot.close();
  }
}
