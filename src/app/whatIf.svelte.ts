import { toErrorData, type EngineErrorData } from '../engine/errors';
import { isIntervening, type Intervention } from '../engine/probe/intervention';
import type { HeadEffect } from '../engine/protocol';
import { comparedStepPositions, firstSwitchedOffHead, mostDifferentStep, withHeadMeans } from '../engine/compare';
import { comparableRuns, differenceTrace } from '../engine/difference';
import { lackingHooks, type Feeding, type RunName, type Trace } from '../engine/trace';
import { RunController } from './runController.svelte';
import type { ModelSlot } from './modelSlot.svelte';

/** "What if": run B, forked from the app's run A with the same seed and settings, its prompt edited or some heads
 * and MLPs switched off; and the ranking of heads by what switching each off does to A's first token. B lives in
 * its own run controller on the same model (the worker holds one run at a time and hands it back as needed).
 * By default B is teacher-forced: fed A's own tokens, so each B − A comes from what B switched off alone. */
export class WhatIf {
  readonly b: RunController;
  /** B's prompt; null: A's. */
  prompt = $state<string | null>(null);
  /** How the learner asked B to get its tokens after the prompt: A's fed to it (teacher forcing), or its own draws.
   * A B with another prompt always draws its own (see `feedingFor`). */
  feedingChoice = $state<Feeding>('teacher-forced');
  /** Replaced, never changed in place: a plain object the worker message can carry. Its heads are zeroed unless
   * listed in `meanHeads`; the means themselves are taken from run A when B runs. */
  intervention = $state.raw<Intervention>({ heads: [], mlps: [] });
  /** Switched-off heads replaced by their mean z over run A's positions instead of zeros. */
  meanHeads = $state.raw<string[]>([]);
  /** Which run the detail views show: A, B, or B − A position by position. */
  showing = $state<'a' | 'b' | 'difference'>('a');
  /** The flow chart's thumbnails show B − A instead of A's values. */
  chartDifference = $state(false);
  ranking = $state.raw<{ effects: HeadEffect[]; token: number; runId: number } | null>(null);
  rankProgress = $state<{ done: number; total: number } | null>(null);
  /** Cancels the ranking under way. */
  private rankCancel: AbortController | null = null;
  rankError = $state.raw<EngineErrorData | null>(null);

  /** The last B − A made, kept while neither run's snapshot changes. */
  private lastDifference: { a: Trace; b: Trace; difference: Trace } | null = null;
  /** The pair of runs (A's id:B's id) the attention view and the Sampling tab last opened on (see `openingHead`,
   * `openingStep`): each opens on its focus once per B, then stays where the learner takes it. */
  private headOpenedFor = '';
  private stepOpenedFor = '';

  constructor(
    private readonly slot: ModelSlot,
    /** Run A's controller: the app's runs. */
    private readonly runsA: RunController,
  ) {
    this.b = new RunController(slot);
  }

  /** The run A the current B was forked from: B is compared with that run only (a recording or another run of a
   * model by the same name is another A). */
  private forkedFrom: number | null = null;

  /** Whether B was forked from `a` (and ran on its model). */
  isForkOf(a: Trace | null, b: Trace | null = this.b.trace): boolean {
    return a !== null && b !== null && this.forkedFrom === a.runId && comparableRuns(a, b);
  }

  /** Run B's snapshot for the views, when it was forked from `a`. */
  comparableB(a: Trace | null): Trace | null {
    const b = this.b.viewTrace;
    return this.isForkOf(a, b) ? b : null;
  }

  /** What the views show for run A `a`: the learner's choice, or A while there is no B to show. */
  shownRun(a: Trace | null): 'a' | 'b' | 'difference' {
    return this.comparableB(a) ? this.showing : 'a';
  }

  /** The trace to show for run A `a`, as the learner picked: A, B, or B − A. */
  shownTrace(a: Trace | null): { trace: Trace | null; shown: 'a' | 'b' | 'difference' } {
    const b = this.comparableB(a);
    const shown = this.shownRun(a);
    if (!a || !b || shown === 'a') return { trace: a, shown: 'a' };
    return { trace: shown === 'b' ? b : this.difference(a, b), shown };
  }

  /** B − A (differenceTrace), made once for each pair of snapshots. */
  difference(a: Trace, b: Trace): Trace {
    const last = this.lastDifference;
    if (last && last.a === a && last.b === b) return last.difference;
    const difference = differenceTrace(a, b);
    this.lastDifference = { a, b, difference };
    return difference;
  }

  /** Either run is using the worker. */
  get busy(): boolean {
    return this.runsA.generating || this.b.generating || this.rankProgress !== null || this.preparing;
  }

  /** B is being prepared (A's missing z recomputed for a mean) and has not begun yet. */
  private preparing = $state(false);

  /** What run B does with a head: leaves it on, replaces its z by zeros, or by its mean over A's positions. */
  headMode(layer: number, head: number): 'on' | 'zero' | 'mean' {
    const key = `${layer}.${head}`;
    if (!this.intervention.heads.includes(key)) return 'on';
    return this.meanHeads.includes(key) ? 'mean' : 'zero';
  }

  setHeadMode(layer: number, head: number, mode: 'on' | 'zero' | 'mean'): void {
    const key = `${layer}.${head}`;
    const heads = this.intervention.heads.filter((h) => h !== key);
    this.intervention = { ...this.intervention, heads: mode === 'on' ? heads : [...heads, key] };
    this.meanHeads = mode === 'mean' ? [...this.meanHeads.filter((h) => h !== key), key] : this.meanHeads.filter((h) => h !== key);
  }

  /** A head button's click: on → zero → mean → on. */
  cycleHead(layer: number, head: number): void {
    const next = { on: 'zero', zero: 'mean', mean: 'on' } as const;
    this.setHeadMode(layer, head, next[this.headMode(layer, head)]);
  }

  /** Zero ablation on or off (the ranking's switch). */
  toggleHead(layer: number, head: number): void {
    this.setHeadMode(layer, head, this.headMode(layer, head) === 'on' ? 'zero' : 'on');
  }

  reset(): void {
    this.prompt = null;
    this.intervention = { heads: [], mlps: [] };
    this.meanHeads = [];
  }

  toggleMlp(layer: number): void {
    const mlps = this.intervention.mlps.includes(layer)
      ? this.intervention.mlps.filter((l) => l !== layer)
      : [...this.intervention.mlps, layer];
    this.intervention = { ...this.intervention, mlps };
  }

  /** How B gets its tokens for run A `a`: teacher-forced (A's fed) when the learner chose it and B's prompt is A's;
   * otherwise its own draws (another prompt's tokens do not line up with A's continuation). */
  feedingFor(a: Trace): Feeding {
    const samePrompt = this.prompt === null || this.prompt === a.prompt;
    return samePrompt ? this.feedingChoice : 'sampled';
  }

  /** The run Export trace writes: the one the detail views show (B, for B and for B − A), else A. */
  exported(a: Trace | null): { trace: Trace; run: RunName } | null {
    const b = this.comparableB(a) && this.b.trace;
    if (b && this.shownRun(a) !== 'a') return { trace: b, run: 'B' };
    return a ? { trace: a, run: 'A' } : null;
  }

  /** The head the attention view opens on when it first shows this B − A: the first one B switched off (null when
   * it switched none off, or already opened for this pair). */
  openingHead(a: Trace, b: Trace): { layer: number; head: number } | null {
    const pair = `${a.runId}:${b.runId}`;
    if (this.headOpenedFor === pair) return null;
    this.headOpenedFor = pair;
    return firstSwitchedOffHead(b.intervention);
  }

  /** The step the Sampling tab opens on when it first shows this B: where the two runs' next-token distributions
   * differ most (mostDifferentStep), once both runs have finished and hold the logits it compares; null until then,
   * and afterwards. */
  openingStep(a: Trace, b: Trace): number | null {
    const pair = `${a.runId}:${b.runId}`;
    if (this.stepOpenedFor === pair || this.runsA.generating || this.b.generating) return null;
    const positions = comparedStepPositions(a, b);
    if (lackingHooks(a, ['logits'], positions).length > 0 || lackingHooks(b, ['logits'], positions).length > 0) return null;
    this.stepOpenedFor = pair;
    return mostDifferentStep(a, b)?.step ?? null;
  }

  /** Whether B can run on `a`: only on a run computed here, by the model loaded (a recording has no model). */
  canRunOn(a: Trace): boolean {
    return this.cannotRunOn(a) === null;
  }

  /** Why B cannot run on `a`: it is a recording (no model), no model is loaded (the worker stopped), or `a` is a run
   * of a model no longer loaded; null: it can. */
  cannotRunOn(a: Trace): 'recording' | 'no-model' | 'other-model' | null {
    if (this.runsA.recording !== null) return 'recording';
    if (this.slot.model === null) return 'no-model';
    return !this.runsA.ranOnEarlierModel && a.modelName === this.slot.modelName ? null : 'other-model';
  }

  /** Runs B: A's seed, sampling settings and number of tokens; B's prompt and what is switched off; A's tokens fed
   * when B is teacher-forced (feedingFor). */
  async fork(a: Trace): Promise<void> {
    if (this.busy || !this.canRunOn(a)) return;
    // (A run recorded before minNewTokens existed held nothing back.)
    const settings = { ...a.settings, minNewTokens: a.settings.minNewTokens ?? 0, seed: a.seed, maxNewTokens: Math.max(1, a.steps.length) };
    // A mean is taken over every position A computed: a lean run recomputes the z it did not keep first.
    const meanHeads = this.meanHeads.filter((key) => this.intervention.heads.includes(key));
    const zHooks = [...new Set(meanHeads.map((key) => `blocks.${key.split('.')[0]}.attn.hook_z`))];
    if (zHooks.length) {
      this.preparing = true;
      try {
        await this.runsA.need(a, zHooks);
      } finally {
        this.preparing = false;
      }
      // A new A began meanwhile: this B is not to be.
      if (this.runsA.trace?.runId !== a.runId) return;
      a = this.runsA.trace;
    }
    const intervention = isIntervening(this.intervention) ? withHeadMeans(this.intervention, meanHeads, a) : null;
    const ownPrompt = this.prompt === null || this.prompt === a.prompt ? null : this.prompt;
    // B belongs to `a` from its start (the views compare them as it runs); a B that never began (an empty prompt)
    // leaves the earlier B with its own A.
    const earlier = { from: this.forkedFrom, run: this.b.trace?.runId };
    this.forkedFrom = a.runId;
    // B forks from A in the worker, which keeps A's tokens (fed to B when it is teacher-forced).
    await this.b.fork(a, ownPrompt, settings, intervention, this.feedingFor(a) === 'teacher-forced', () => this.runsA.keepInWorker(a));
    if (this.b.trace?.runId === earlier.run) this.forkedFrom = earlier.from;
  }

  /** Runs B as a patched run of `a` (the patching lab's cell): one token, greedy as A, with the cell's prompt and
   * intervention; the views then show B − A. */
  async forkPatched(a: Trace, run: { prompt: string; intervention: Intervention | null }): Promise<void> {
    if (this.busy || !this.canRunOn(a)) return;
    const settings = { ...a.settings, minNewTokens: 0, seed: a.seed, maxNewTokens: 1 };
    const earlier = { from: this.forkedFrom, run: this.b.trace?.runId };
    this.forkedFrom = a.runId;
    await this.b.fork(a, run.prompt, settings, run.intervention, false, () => this.runsA.keepInWorker(a));
    if (this.b.trace?.runId === earlier.run) this.forkedFrom = earlier.from;
    else this.showing = 'difference';
  }

  /** Switches each head off in turn and ranks them by how much A's first chosen token's logit drops. */
  async rank(a: Trace): Promise<void> {
    const client = this.slot.client;
    const first = a.steps[0];
    if (!client || !first || this.busy || !this.canRunOn(a)) return;
    this.rankError = null;
    this.rankProgress = { done: 0, total: a.config.nLayer * a.config.nHead };
    try {
      // The worker ranks on A's prompt, which it keeps (a run "auto" just moved is handed over first).
      if (!(await this.runsA.keepInWorker(a))) return;
      const token = first.decision.chosenId;
      this.rankCancel = new AbortController();
      const effects = await client.call(
        { type: 'rankHeads', run: a.runId, tokenId: token },
        { signal: this.rankCancel.signal, onRanked: (done, total) => (this.rankProgress = { done, total }) },
      );
      this.ranking = { effects, token, runId: a.runId };
    } catch (error) {
      this.rankError = toErrorData(error);
    } finally {
      this.rankProgress = null;
    }
  }

  cancelRank(): void {
    if (this.rankProgress) this.rankCancel?.abort();
  }
}
