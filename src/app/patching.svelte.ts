import { toErrorData, type EngineErrorData } from '../engine/errors';
import {
  PATCH_SITES,
  coarseLayers,
  layersLeftOut,
  layersToRefine,
  mergePatchResults,
  patchFor,
  patchHooks,
  patchPasses,
  type PatchResult,
  type PatchSite,
} from '../engine/patching';
import type { ActivationPatch, Intervention } from '../engine/probe/intervention';
import type { TokenInfo } from '../engine/tokenPieces';
import type { ModelSlot } from './modelSlot.svelte';

/** A prompt as the model reads it. */
export interface Tokenized {
  text: string;
  ids: number[];
  tokens: TokenInfo[];
}

/** The top tokens the model expects after a prompt, with their logits. */
export interface Expected {
  id: number;
  logit: number;
}

/** What a sweep was asked. */
export interface PatchAsked {
  clean: Tokenized;
  corrupted: Tokenized;
  answers: { clean: number; corrupted: number };
  layers: number;
  /** The load of the model it was asked of (a result of another model is never refined). */
  load: number;
}

const PROPOSED = 5;
/** Above this many passes, a sweep offers every few layers first. */
const COARSE_FROM = 250;

/** The patching lab (docs/patching.md): a clean and a corrupted prompt, tokenized by the loaded model; the two
 * answers (proposed: each run's top token); one sweep in the worker, with progress, an estimate and Stop. */
export class PatchingLab {
  clean = $state('');
  corrupted = $state('');
  cleanTokens = $state.raw<Tokenized | null>(null);
  corruptedTokens = $state.raw<Tokenized | null>(null);
  /** What each run expects next (its top tokens), and the answers the metric compares. */
  expected = $state.raw<{ clean: Expected[]; corrupted: Expected[] } | null>(null);
  answers = $state.raw<{ clean: number; corrupted: number } | null>(null);
  /** Milliseconds of one forward pass of these prompts (timed while proposing the answers): the estimate's unit. */
  passMs = $state<number | null>(null);
  progress = $state.raw<{ done: number; total: number; started: number } | null>(null);
  result = $state.raw<PatchResult | null>(null);
  /** The prompts and answers the result belongs to, and the model's layer count (a coarse result has fewer rows). */
  resultFor = $state.raw<PatchAsked | null>(null);
  error = $state.raw<EngineErrorData | null>(null);
  /** Every layer, or a coarse grid first (a large model: see `coarseOffered`). */
  grain = $state<'coarse' | 'all' | null>(null);
  private stopper: AbortController | null = null;
  private readLoad: number | null = null;

  constructor(private readonly slot: ModelSlot) {}

  get running(): boolean {
    return this.progress !== null;
  }

  /** Both prompts have the same number of tokens. */
  get aligned(): boolean {
    return (
      this.cleanTokens !== null &&
      this.corruptedTokens !== null &&
      this.cleanTokens.ids.length === this.corruptedTokens.ids.length &&
      this.cleanTokens.ids.length > 0
    );
  }

  /** The positions where the two prompts' tokens differ. */
  get differing(): number[] {
    if (!this.aligned) return [];
    const corrupted = this.corruptedTokens!.ids;
    return this.cleanTokens!.ids.flatMap((id, p) => (id === corrupted[p] ? [] : [p]));
  }

  /** Forward passes the sweep will run at most, at a grain. */
  passesAt(grain: 'coarse' | 'all'): number {
    const model = this.slot.model;
    if (!this.cleanTokens || !model) return 0;
    if (!this.aligned) return 0;
    return patchPasses(
      {
        clean: this.cleanTokens.ids,
        corrupted: this.corruptedTokens!.ids,
        sites: [...PATCH_SITES],
        ...(grain === 'coarse' ? { layers: coarseLayers(model.config.nLayer) } : {}),
      },
      model.config,
    );
  }

  /** A coarse grid is worth offering (and is the first choice) when every layer would take many passes. */
  get coarseOffered(): boolean {
    const layers = this.slot.model?.config.nLayer ?? 0;
    return this.passesAt('all') > COARSE_FROM && coarseLayers(layers).length < layers;
  }

  /** How many layers a coarse sweep patches, of all. */
  get layerCounts(): { coarse: number; all: number } {
    const layers = this.slot.model?.config.nLayer ?? 0;
    return { coarse: coarseLayers(layers).length, all: layers };
  }

  /** The grain the next sweep runs at. */
  get chosenGrain(): 'coarse' | 'all' {
    return this.coarseOffered ? (this.grain ?? 'coarse') : 'all';
  }

  /** Forward passes the next sweep will run at most. */
  get passes(): number {
    return this.passesAt(this.chosenGrain);
  }

  /** Sets the prompts (a lesson's, or the learner's first visit: the run's prompt) and reads them again. */
  async setPrompts(clean: string, corrupted: string): Promise<void> {
    this.clean = clean;
    this.corrupted = corrupted;
    await this.read();
  }

  /** Tokenizes both prompts with the loaded model and proposes the answers: each run's most likely next token. */
  async read(): Promise<void> {
    const client = this.slot.client;
    if (!client || !this.slot.model) return;
    const load = this.slot.loadSerial;
    this.error = null;
    try {
      const [clean, corrupted] = await Promise.all(
        [this.clean, this.corrupted].map(async (text) => ({ text, ...(await client.call({ type: 'tokenize', text })) })),
      );
      if (this.slot.loadSerial !== load) return;
      this.cleanTokens = clean!;
      this.corruptedTokens = corrupted!;
      this.readLoad = load;
      if (clean!.ids.length === 0 || corrupted!.ids.length === 0) {
        this.expected = null;
        this.answers = null;
        return;
      }
      const top = async (ids: number[]) => {
        const record = await client.call({ type: 'capture', ids, hooks: ['logits'], intervention: null, from: ids.length - 1 });
        const logits = record.tensors['logits']!.data;
        return [...logits.keys()]
          .sort((a, b) => logits[b]! - logits[a]!)
          .slice(0, PROPOSED)
          .map((id) => ({ id, logit: logits[id]! }));
      };
      // The estimate's unit: the quicker of the two passes (the first may include warming up).
      const timed = async (ids: number[]) => {
        const started = performance.now();
        const found = await top(ids);
        return { found, ms: performance.now() - started };
      };
      const cleanPass = await timed(clean!.ids);
      const corruptedPass = await timed(corrupted!.ids);
      this.passMs = Math.min(cleanPass.ms, corruptedPass.ms);
      const cleanTop = cleanPass.found;
      const corruptedTop = corruptedPass.found;
      if (this.slot.loadSerial !== load) return;
      this.expected = { clean: cleanTop, corrupted: corruptedTop };
      const cleanAnswer = cleanTop[0]!.id;
      // Two different answers: the corrupted run's own top token, or its next one where both runs agree.
      const corruptedAnswer = corruptedTop.find((entry) => entry.id !== cleanAnswer)!.id;
      this.answers = { clean: cleanAnswer, corrupted: corruptedAnswer };
    } catch (error) {
      this.error = toErrorData(error);
    }
  }

  /** Whether the tokens shown are the loaded model's (another model reads the prompts again). */
  get current(): boolean {
    return this.readLoad === this.slot.loadSerial;
  }

  /** Runs every cell (of `sites`, at `grain`: the learner's choice unless given); the result replaces the last one
   * when it is complete (a stopped sweep shows nothing new). */
  async run(options: { sites?: PatchSite[]; grain?: 'coarse' | 'all' } = {}): Promise<void> {
    const model = this.slot.model;
    if (!this.aligned || !this.answers || !model) return;
    const grain = options.grain ?? this.chosenGrain;
    const layers = model.config.nLayer;
    const asked = { clean: this.cleanTokens!, corrupted: this.corruptedTokens!, answers: this.answers, layers, load: this.slot.loadSerial };
    const result = await this.sweep(asked, options.sites ?? [...PATCH_SITES], grain === 'coarse' ? coarseLayers(layers) : undefined);
    if (!result) return;
    this.result = result;
    this.resultFor = asked;
  }

  /** The layers the last sweep left out (a coarse grid), and where filling in says most: the gap with the sharpest
   * step of the residual-stream picture (layersToRefine). Null when every layer is in. */
  get refinement(): { sharpest: number[]; all: number[]; passes: { sharpest: number; all: number } } | null {
    const result = this.result;
    const asked = this.resultFor;
    const model = this.slot.model;
    if (!result || !asked || !model || asked.load !== this.slot.loadSerial) return null;
    const all = layersLeftOut(result, asked.layers);
    if (all.length === 0) return null;
    const sharpest = layersToRefine(result, asked.layers);
    const passes = (layers: number[]) =>
      patchPasses({ clean: asked.clean.ids, corrupted: asked.corrupted.ids, sites: this.sitesOf(result), layers }, model.config);
    return { sharpest, all, passes: { sharpest: passes(sharpest), all: passes(all) } };
  }

  /** Fills in layers a coarse sweep left out (the same prompts and answers as the result shown), keeping the rows
   * already computed: the sharpest gap, or every layer left. */
  async refine(which: 'sharpest' | 'all'): Promise<void> {
    const refinement = this.refinement;
    const base = this.result;
    const asked = this.resultFor;
    if (!refinement || !base || !asked) return;
    const added = await this.sweep(asked, this.sitesOf(base), refinement[which]);
    // (A new sweep or another model meanwhile: the result shown is no longer the one refined.)
    if (!added || this.result !== base || asked.load !== this.slot.loadSerial) return;
    this.result = mergePatchResults(base, added);
  }

  private sitesOf(result: PatchResult): PatchSite[] {
    return PATCH_SITES.filter((site) => result[site] !== null);
  }

  /** One sweep in the worker, with progress and Stop; null when stopped or failed (the error is shown). */
  private async sweep(asked: PatchAsked, sites: PatchSite[], layers: number[] | undefined): Promise<PatchResult | null> {
    const client = this.slot.client;
    if (!client || this.running) return null;
    this.error = null;
    this.stopper = new AbortController();
    this.progress = { done: 0, total: 0, started: performance.now() };
    try {
      return await client.call(
        {
          type: 'patch',
          clean: asked.clean.ids,
          corrupted: asked.corrupted.ids,
          answers: asked.answers,
          sites,
          ...(layers ? { layers } : {}),
        },
        { signal: this.stopper.signal, onPatched: (done, total) => (this.progress = { ...this.progress!, done, total }) },
      );
    } catch (error) {
      this.error = toErrorData(error);
      return null;
    } finally {
      this.progress = null;
      this.stopper = null;
    }
  }

  stop(): void {
    this.stopper?.abort();
  }

  /** A cell of the last result as a run to open in the views: the prompt it feeds (the corrupted one; the clean one
   * for the first layer's stream at a changed token, where the clean token is the patch) and the intervention. Null
   * where the cell is the corrupted run itself, or its sequence is no prompt text (the first layer's stream where the
   * prompts differ at more than that position). */
  async cellRun(cell: ActivationPatch['cell']): Promise<{ prompt: string; intervention: Intervention | null } | null> {
    const client = this.slot.client;
    const asked = this.resultFor;
    if (!client || !asked || !this.slot.model) return null;
    const hooks = patchHooks(this.slot.model.config.nLayer);
    const ids = { clean: asked.clean.ids, corrupted: asked.corrupted.ids };
    const [clean, corrupted] = await Promise.all([
      client.call({ type: 'capture', ids: ids.clean, hooks: hooks.clean, intervention: null, from: 0 }),
      client.call({ type: 'capture', ids: ids.corrupted, hooks: hooks.corrupted, intervention: null, from: 0 }),
    ]);
    const run = patchFor(cell, ids, clean, corrupted, this.slot.model.config);
    if (!run) return null;
    if (run.intervention) return { prompt: asked.corrupted.text, intervention: run.intervention };
    return run.ids.every((id, p) => id === ids.clean[p]) ? { prompt: asked.clean.text, intervention: null } : null;
  }
}
