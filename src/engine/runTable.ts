import { EngineError } from './errors';
import { Generator, type GenerateEvent, type ParkedRun } from './generate';
import type { CapturePlan } from './capturePlan';
import type { Intervention } from './probe/intervention';
import type { SamplingSettings } from './sampling';
import type { StopReason } from './trace';

/** A run the worker keeps: every token so far (the first `promptLength` the prompt), how many positions the page
 * has recorded, the sampler's random state and settings, and for a teacher-forced run the tokens it feeds after the
 * prompt; its KV cache is parked here while another run uses the sessions. The page records what the deltas tell it
 * and never sends them back, except to hand a run to a new worker ('adopt'). `recorded` outlives the cache (dropped by
 * Rank heads, a recompute, the timing): the next pass then runs every position again but records only the new ones. */
export interface KeptRun {
  ids: number[];
  promptLength: number;
  recorded: number;
  rngState: number;
  settings: SamplingSettings;
  intervention: Intervention | null;
  plan: CapturePlan;
  forced: number[] | null;
}

/** The runs the page shows (run A and What if's B), by the page's run id, over one generator: the run generating
 * holds the generator's cache and switched-off parts; the others are parked, so going back to one continues from its
 * own cache with its own random state. */
export class RunTable {
  private readonly runs = new Map<number, KeptRun & { parked: ParkedRun | null }>();
  /** The run whose cache and switched-off parts the generator holds now. */
  private active: number | null = null;

  constructor(private readonly generator: Generator) {}

  has(id: number): boolean {
    return this.runs.has(id);
  }

  isActive(id: number): boolean {
    return this.active === id;
  }

  /** Keeps a new run in place of `replaces` (its cache starts empty: a run must not reuse another's whose tokens
   * merely start the same way). */
  keep(id: number, replaces: number | null | undefined, run: KeptRun): void {
    this.forget(replaces);
    this.forget(id);
    this.runs.set(id, { ...run, parked: null });
    this.use(id);
  }

  /** What the run's next passes capture. */
  setPlan(id: number, plan: CapturePlan): void {
    const run = this.runs.get(id);
    if (run) run.plan = plan;
  }

  /** Drops a run and its cache. */
  forget(id: number | null | undefined): void {
    if (id === null || id === undefined) return;
    const run = this.runs.get(id);
    if (!run) return;
    if (this.active === id) {
      this.generator.reset();
      this.active = null;
    } else if (run.parked) Generator.release(run.parked);
    this.runs.delete(id);
  }

  /** Sets the active run's cache aside (before something else uses the generator: a ranking, a recompute, a timing). */
  parkActive(): void {
    const active = this.active === null ? undefined : this.runs.get(this.active);
    if (active) active.parked = this.generator.park();
    this.active = null;
  }

  /** Generates up to `maxNewTokens` on run `id` from where it stopped, reporting each pass and token. */
  async continue(id: number, maxNewTokens: number, settings: SamplingSettings, emit: (event: GenerateEvent) => void, cancelled: () => boolean): Promise<StopReason> {
    const run = this.use(id);
    run.settings = settings;
    const result = await this.generator.generate(
      { ids: run.ids, promptLength: run.promptLength, recorded: run.recorded, maxNewTokens, settings, rngState: run.rngState, plan: () => run.plan, ...(run.forced ? { forced: run.forced } : {}) },
      (event) => {
        if (event.type === 'forward') run.recorded = event.record.start + event.record.count;
        else {
          run.ids.push(event.fed);
          run.rngState = event.rngState;
        }
        emit(event);
      },
      cancelled,
    );
    return result.stopReason;
  }

  /** The run `id` with its cache and switched-off parts in the generator (the run there before is parked). */
  private use(id: number): KeptRun {
    const run = this.runs.get(id);
    if (!run) throw new EngineError('internal', { detail: `run ${id} is not in this worker` });
    if (this.active === id) return run;
    this.parkActive();
    if (run.parked) this.generator.resume(run.parked);
    else this.generator.intervene(run.intervention);
    run.parked = null;
    this.active = id;
    return run;
  }
}
