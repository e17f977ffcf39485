import { EngineError } from './errors';
import { Generator, type GenerateEvent, type ParkedRun } from './generate';
import type { CapturePoint } from './probe/capturePoints';
import { segmentInputs, type CapturePlan } from './capturePlan';
import type { Intervention } from './probe/intervention';
import type { SamplingSettings } from './sampling';
import type { CapturedRows, ForwardRecord, StopReason } from './trace';

/** A run the worker keeps: every token so far (the first `promptLength` the prompt), how many positions the page
 * has recorded, the sampler's random state and settings, and for a teacher-forced run the tokens it feeds after the
 * prompt; its KV cache is parked here while another run uses the sessions. The page records what the deltas tell it
 * and never sends them back, except to hand a run to a new worker ('adopt'). `recorded` outlives the cache (dropped by
 * Rank heads, a recompute, the timing): the next pass then runs every position again but records only the new ones.
 * A lean run also keeps its residual stream here (see CUT_HOOK), so a layer the page lacks is recomputed alone. */
export interface KeptRun {
  ids: number[];
  promptLength: number;
  recorded: number;
  rngState: number;
  settings: SamplingSettings;
  intervention: Intervention | null;
  plan: CapturePlan;
  forced: number[] | null;
  /** How many of the prompt's tokens its context cut, of how many. */
  truncation: { dropped: number; total: number };
}

/** A kept run as the table holds it: its cache while parked, and its cut rows (a lean run's) with their size;
 * `cutDropped` once they went over the budget (its layers are then recomputed through the whole graph). */
type TableRun = KeptRun & { parked: ParkedRun | null; cut: Map<string, Float32Array[]>; cutBytes: number; cutDropped: boolean };

/** The most bytes of cut rows the table keeps, all runs together (the page keeps the same rows too): about 2,800
 * positions of Qwen2.5-0.5B. Past it the other runs' go first, then the generating run's; what lacks them is
 * recomputed through the whole graph, which gives the same numbers more slowly. */
export const CUT_ROWS_BUDGET_BYTES = 256 * 2 ** 20;

/** The runs the page shows (run A and What if's B), by the page's run id, over one generator: the run generating
 * holds the generator's cache and switched-off parts; the others are parked, so going back to one continues from its
 * own cache with its own random state. */
export class RunTable {
  private readonly runs = new Map<number, TableRun>();
  /** The run whose cache and switched-off parts the generator holds now. */
  private active: number | null = null;

  constructor(
    private readonly generator: Generator,
    private readonly cutBudget = CUT_ROWS_BUDGET_BYTES,
  ) {}

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
    this.runs.set(id, { ...run, parked: null, cut: new Map(), cutBytes: 0, cutDropped: false });
    this.use(id);
  }

  /** Keeps run `id` forked from run `of`: `of`'s prompt (or `ids`, another prompt's), the given seed's random state,
   * settings and switched-off parts, and a cache of its own; with `feed`, the tokens `of` generated up to its first
   * `positions` tokens are fed after the prompt. */
  fork(
    id: number,
    replaces: number | null | undefined,
    of: number,
    options: {
      ids: number[] | null;
      positions: number;
      feed: boolean;
      rngState: number;
      settings: SamplingSettings;
      intervention: Intervention | null;
      plan: CapturePlan;
      /** Another prompt's truncation (absent: the fork runs `of`'s prompt, cut as it was). */
      truncation?: KeptRun['truncation'];
    },
  ): KeptRun {
    const source = this.get(of);
    const ids = options.ids ?? source.ids.slice(0, source.promptLength);
    const forced =
      options.feed && options.ids === null ? source.ids.slice(source.promptLength, Math.max(source.promptLength, options.positions)) : null;
    const run: KeptRun = {
      ids: [...ids],
      promptLength: ids.length,
      recorded: 0,
      rngState: options.rngState,
      settings: options.settings,
      intervention: options.intervention,
      plan: options.plan,
      forced,
      truncation: options.truncation ?? source.truncation,
    };
    this.keep(id, replaces, run);
    return run;
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
  async continue(
    id: number,
    maxNewTokens: number,
    settings: SamplingSettings,
    emit: (event: GenerateEvent) => void,
    cancelled: () => boolean,
  ): Promise<StopReason> {
    const run = this.use(id);
    run.settings = settings;
    const result = await this.generator.generate(
      {
        ids: run.ids,
        promptLength: run.promptLength,
        recorded: run.recorded,
        maxNewTokens,
        settings,
        rngState: run.rngState,
        plan: () => run.plan,
        ...(run.forced ? { forced: run.forced } : {}),
      },
      (event) => {
        if (event.type === 'forward') {
          run.recorded = event.record.start + event.record.count;
          // (Before the page gets the record: its buffers move to the page.)
          if (run.plan.mode === 'lean' && !run.cutDropped) this.keepCutRows(run, event.record);
        } else {
          run.ids.push(event.fed);
          run.rngState = event.rngState;
        }
        emit(event);
      },
      cancelled,
    );
    return result.stopReason;
  }

  /** `hooks` of run `id` at its first `positions` positions (from `from` on), recomputed with its own tokens and
   * switched-off parts: from its kept residual stream where it holds every row a layer needs, else (or `whole`)
   * through the whole graph. Its cache stays as it is. */
  async need(id: number, hooks: readonly string[], positions: number, from: number, whole = false): Promise<ForwardRecord> {
    const run = this.get(id);
    const ids = run.ids.slice(0, positions);
    const cut = whole ? null : cutRowsFor(run.cut, this.generator.points, hooks, ids.length);
    return this.generator.capture(ids, hooks, run.intervention, from, cut);
  }

  /** The tokens of run `id`'s prompt. */
  promptIds(id: number): number[] {
    const run = this.get(id);
    return run.ids.slice(0, run.promptLength);
  }

  private get(id: number): TableRun {
    const run = this.runs.get(id);
    if (!run) throw new EngineError('internal', { detail: `run ${id} is not in this worker` });
    return run;
  }

  /** Keeps the record's rows of the cut hooks in `run`, within the budget. */
  private keepCutRows(run: TableRun, record: ForwardRecord): void {
    run.cutBytes += keepCutRows(run.cut, record);
    let total = 0;
    for (const kept of this.runs.values()) total += kept.cutBytes;
    for (const kept of [...[...this.runs.values()].filter((other) => other !== run), run]) {
      if (total <= this.cutBudget) return;
      total -= kept.cutBytes;
      kept.cut = new Map();
      kept.cutBytes = 0;
      kept.cutDropped = true;
    }
  }

  /** Bytes of cut rows kept by run `id` (for tests). */
  cutBytesOf(id: number): number {
    return this.get(id).cutBytes;
  }

  /** The run `id` with its cache and switched-off parts in the generator (the run there before is parked). */
  private use(id: number): TableRun {
    const run = this.get(id);
    if (this.active === id) return run;
    this.parkActive();
    if (run.parked) this.generator.resume(run.parked);
    else this.generator.intervene(run.intervention);
    run.parked = null;
    this.active = id;
    return run;
  }
}

/** The hooks a layer recomputed alone is fed: the embeddings and each layer's incoming residual stream. */
const CUT_HOOK = /^(hook_embed|hook_pos_embed|blocks\.\d+\.hook_resid_pre)$/;

/** Copies the record's rows of the cut hooks into `cut`, one row per position, and returns the bytes it added. Two
 * hooks of one tensor (a Llama graph's embeddings are layer 0's incoming residual stream) share their rows. */
function keepCutRows(cut: Map<string, Float32Array[]>, record: ForwardRecord): number {
  const copied = new Map<CapturedRows, Float32Array[]>();
  let bytes = 0;
  for (const [hook, captured] of Object.entries(record.tensors)) {
    if (!CUT_HOOK.test(hook)) continue;
    const same = copied.get(captured);
    if (same) {
      cut.set(hook, same);
      continue;
    }
    const first = captured.first ?? record.start;
    const count = record.start + record.count - first;
    const size = captured.data.length / count;
    const rows = cut.get(hook) ?? [];
    for (let i = 0; i < count; i++) {
      bytes += rows[first + i] ? 0 : size * 4;
      rows[first + i] = captured.data.slice(i * size, (i + 1) * size);
    }
    cut.set(hook, rows);
    copied.set(captured, rows);
  }
  return bytes;
}

/** The kept rows of the layers `hooks` lie in, each hook's `positions` rows end to end; null when one is missing
 * (the run began in another worker) or the hooks span more layers than a segment recomputes. */
function cutRowsFor(
  cut: Map<string, Float32Array[]>,
  points: readonly CapturePoint[],
  hooks: readonly string[],
  positions: number,
): Record<string, Float32Array> | null {
  const inputs = segmentInputs(points, hooks);
  if (!inputs) return null;
  const joined: Record<string, Float32Array> = {};
  for (const hook of inputs.cut) {
    const rows = cut.get(hook);
    if (!rows || rows.length < positions) return null;
    const size = rows[0]?.length ?? 0;
    const data = new Float32Array(positions * size);
    for (let p = 0; p < positions; p++) {
      const row = rows[p];
      if (!row) return null;
      data.set(row, p * size);
    }
    joined[hook] = data;
  }
  return joined;
}
