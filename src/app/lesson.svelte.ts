import type { Locale } from '../i18n/index.svelte';
import type { Trace } from '../engine/trace';
import { lackingHooks } from '../engine/trace';
import { cacheValueBytes } from '../engine/compare';
import { CHAPTERS, chapterById, nextChapter, type Chapter, type ChapterId, type LessonRunSettings } from '../lesson/chapters';
import { buildQuestion, frameFor, lensTarget, needs, type Focus, type Question, type QuestionInputs } from '../lesson/questions';
import type { Playback } from '../flow/playback.svelte';
import type { Player } from '../flow/player.svelte';
import type { Inspection } from './inspection.svelte';
import { loadProgress, recordAnswer, type Progress } from '../lesson/progress';
import { cacheHooks } from '../lesson/decodingQuestions';
import type { ModelSlot } from './modelSlot.svelte';
import { EMBEDDED_MODELS, otherModelTrainedToCopy } from './embeddedModels';
import type { RunController } from './runController.svelte';

/** closed: no lesson. waiting: for the model. running: the chapter's prompt through the model. preparing: the
 * lens or a recompute the question needs. asking: options shown, numbers hidden. revealed: the answer and why. */
export type LessonPhase = 'closed' | 'waiting' | 'running' | 'preparing' | 'asking' | 'revealed' | 'unavailable' | 'failed';

/** What the lesson needs from the page: the run, a way to run a prompt through the app's own controls (so the chart
 * and the views show the lesson's run), and a way to point the chart and the views at a box. */
export interface LessonHost {
  slot: ModelSlot;
  runs: RunController;
  locale: () => Locale;
  runPrompt: (prompt: string, settings: LessonRunSettings) => Promise<void>;
  focus: (focus: Focus) => void;
  /** Patches `corrupted` with the clean run of `clean` (the patching lab's sweep); null when it could not run. */
  patch?: (clean: string, corrupted: string) => Promise<QuestionInputs['patch']>;
  /** The head-role test's scores on the loaded model (measured once per load); null when it could not run. */
  headRoles?: () => Promise<QuestionInputs['headRoles']>;
  /** Loads the embedded model `name` in the app's slot (the current one stays until it is ready); true at once when
   * it is the loaded one, false when it did not load (failed, or was cancelled or replaced). */
  openEmbedded?: (name: string) => Promise<boolean>;
  /** Stops the load of the embedded model `name` if it is the one under way (the learner left the lesson). */
  cancelEmbedded?: (name: string) => void;
  /** Runs the app's run `trace` again in the model beside (the comparison of two architectures), calling `starting`
   * with that model's name; its run and the bytes per number its KV cache holds, or null when it could not run. */
  runBeside?: (trace: Trace, starting: (model: string) => void) => Promise<{ trace: Trace; cacheValueBytes: number } | null>;
}

function browserStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage blocked (some private modes throw on access)
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The guided lesson: which chapter and question, and where in ask → reveal it is. Wiring only: the questions come
 * from src/lesson/questions.ts, on the Trace the app's run just recorded. */
export class LessonState {
  phase = $state<LessonPhase>('closed');
  chapter = $state.raw<Chapter>(CHAPTERS[0]!);
  index = $state(0);
  question = $state.raw<Question | null>(null);
  chosen = $state<string | null>(null);
  progress = $state.raw<Progress>(loadProgress(browserStorage()));
  /** The run the questions are about (the app's Trace when the chapter's run finished). */
  trace = $state.raw<Trace | null>(null);
  /** Bumped by every start, so an older chapter's run that finishes late changes nothing. */
  private attempt = 0;
  private recomputed: QuestionInputs['recomputed'] = null;
  /** The model beside's run of this chapter's prompt (asked once for the chapter's questions). */
  private beside: { trace: Trace; cacheValueBytes: number } | null = null;
  /** The model beside while it runs the chapter's prompt (the panel says so), else null. */
  besideModel = $state<string | null>(null);
  /** The offered model while it loads for this chapter (`runOn`), else null. */
  loadingModel = $state<string | null>(null);
  /** The offered model whose load failed, until the next start or offer. */
  failedOffer = $state<string | null>(null);

  constructor(private readonly host: LessonHost) {}

  get open(): boolean {
    return this.phase !== 'closed';
  }

  /** While the learner has not answered, the page's numbers would give the answer away. */
  get concealing(): boolean {
    return this.phase === 'running' || this.phase === 'preparing' || this.phase === 'asking';
  }

  /** The loaded model's config, for the chapter's opening sentences before its run. */
  get config() {
    return this.host.slot.model?.config ?? null;
  }

  get prompt(): string {
    return this.chapter.prompt[this.host.locale()];
  }

  async start(id: ChapterId): Promise<void> {
    const chapter = chapterById(id);
    if (!chapter) return;
    const attempt = ++this.attempt;
    this.chapter = chapter;
    this.index = 0;
    this.question = null;
    this.chosen = null;
    this.trace = null;
    this.recomputed = null;
    this.beside = null;
    this.besideModel = null;
    this.failedOffer = null;
    this.loadingModel = null;
    this.phase = 'waiting';
    const { slot, runs } = this.host;
    // The app's own first run (or a run the learner started) finishes first, and a model loading in place of the
    // current one takes its place first (its swap would stop the chapter's run, and the questions would read the
    // new model); the lesson's run follows.
    while (!slot.model || slot.incoming !== null || runs.generating) {
      await sleep(100);
      if (attempt !== this.attempt) return;
    }
    this.phase = 'running';
    const prompt = this.prompt;
    await this.host.runPrompt(prompt, chapter.settings);
    if (attempt !== this.attempt) return;
    const trace = runs.trace;
    if (!trace || trace.prompt !== prompt || runs.runError || trace.steps.length === 0) {
      this.phase = 'failed';
      return;
    }
    this.trace = trace;
    await this.prepare(attempt);
  }

  /** Gathers what the current question needs, then builds it from the Trace. */
  private async prepare(attempt: number): Promise<void> {
    let trace = this.trace!;
    // A large model's lean run keeps only the residual stream: the questions read any layer, so it is all computed
    // again (the lessons' prompts are short).
    const hooks = trace.points.map((point) => point.hook);
    if (lackingHooks(trace, hooks).length > 0) {
      this.phase = 'preparing';
      await this.host.runs.need(trace, hooks);
      if (attempt !== this.attempt) return;
      const fresh = this.host.runs.trace;
      if (fresh?.runId === trace.runId) this.trace = trace = fresh;
    }
    const id = this.chapter.questions[this.index]!;
    this.phase = 'preparing';
    const inputs: QuestionInputs = {
      cached: this.host.slot.model?.graphKind !== 'full',
      cacheValueBytes: cacheValueBytes(this.host.slot.model?.cacheType ?? 'float32'),
      rounding: this.host.slot.model?.rounding ?? 'float32',
    };
    const need = needs(id);
    if (need === 'lens') {
      // Read in the worker, where W_E (and an untied W_U) stay.
      const target = lensTarget(trace);
      const readings = await this.host.slot.readLens(target.vectors, 0, target.id).catch(() => null);
      if (attempt !== this.attempt) return;
      inputs.lensStages = readings?.map((reading) => reading.tracked!) ?? null;
    }
    if (need === 'recompute') {
      try {
        this.recomputed ??= await this.recompute(trace);
      } catch {
        this.recomputed = null;
      }
      if (attempt !== this.attempt) return;
      inputs.recomputed = this.recomputed;
    }
    if (need === 'beside') {
      if (!this.beside && this.host.runBeside) {
        this.beside = await this.host.runBeside(trace, (model) => (this.besideModel = model)).catch(() => null);
        this.besideModel = null;
      }
      if (attempt !== this.attempt) return;
      inputs.beside = this.beside?.trace ?? null;
      inputs.besideCacheValueBytes = this.beside?.cacheValueBytes ?? 4;
    }
    if (need === 'headRoles') {
      inputs.headRoles = this.host.headRoles ? await this.host.headRoles().catch(() => null) : null;
      inputs.embedded = EMBEDDED_MODELS.some((model) => model.name === this.host.slot.modelName);
      inputs.copyModel = this.host.openEmbedded ? (otherModelTrainedToCopy(this.host.slot.modelName)?.name ?? null) : null;
      if (attempt !== this.attempt) return;
    }
    if (need === 'patch') {
      const corrupted = this.chapter.corrupted?.[this.host.locale()];
      inputs.patch = corrupted && this.host.patch ? await this.host.patch(trace.prompt, corrupted).catch(() => null) : null;
      if (attempt !== this.attempt) return;
    }
    try {
      this.question = buildQuestion(id, trace, inputs);
    } catch {
      // A question that cannot be built from what the runs hold is unavailable, not a lesson stuck preparing.
      this.question = null;
    }
    this.chosen = null;
    this.phase = this.question ? 'asking' : 'unavailable';
  }

  /** The cached K and V once more, the whole sequence from scratch through the capturing graph with no cache. */
  private recompute(trace: Trace): Promise<Record<string, { data: Float32Array }>> {
    return this.host.runs.recomputeWhole(trace, cacheHooks(trace));
  }

  answer(key: string): void {
    if (this.phase !== 'asking' || !this.question) return;
    this.chosen = key;
    this.progress = recordAnswer(browserStorage(), this.progress, this.question.id, key === this.question.answer);
    this.phase = 'revealed';
    this.host.focus(this.question.focus);
  }

  get right(): boolean {
    return this.question !== null && this.chosen === this.question.answer;
  }

  get hasNextQuestion(): boolean {
    return this.index + 1 < this.chapter.questions.length;
  }

  get following(): Chapter | null {
    return nextChapter(this.chapter.id);
  }

  async nextQuestion(): Promise<void> {
    if (!this.hasNextQuestion || !this.trace) return;
    this.index++;
    this.question = null;
    await this.prepare(this.attempt);
  }

  /** Loads the question's offered model and runs the chapter again on it (the model stays loaded after the
   * chapter, as if picked under Model). A load that fails leaves the model and the revealed question as they were,
   * saying so when the model panel shows why; one cancelled or replaced by another load just leaves them. */
  async runOn(name: string): Promise<void> {
    if (!this.host.openEmbedded || this.phase !== 'revealed') return;
    const chapter = this.chapter.id;
    const attempt = ++this.attempt;
    this.failedOffer = null;
    this.loadingModel = name;
    this.phase = 'waiting';
    const loaded = await this.host.openEmbedded(name).catch(() => false);
    if (attempt !== this.attempt) return;
    this.loadingModel = null;
    if (!loaded) {
      if (this.host.slot.loadFailure?.name === name) this.failedOffer = name;
      this.phase = 'revealed';
      return;
    }
    await this.start(chapter);
  }

  close(): void {
    this.attempt++;
    if (this.loadingModel !== null) this.host.cancelEmbedded?.(this.loadingModel);
    this.loadingModel = null;
    this.phase = 'closed';
    this.question = null;
  }
}

/** Points the chart and the detail views at a revealed question's box: playback paused on its frame, the view,
 * layer, head and position it is about. */
export function applyFocus(focus: Focus, playback: Playback, player: Player, inspection: Inspection): void {
  player.pause();
  const index = frameFor(playback.frames, focus);
  if (index >= 0) playback.jumpTo(index);
  inspection.tab = focus.tab;
  if (focus.layer !== null) inspection.layer = focus.layer;
  if (focus.head !== null) inspection.head = focus.head;
  inspection.position = focus.position;
  inspection.step = focus.step;
}
