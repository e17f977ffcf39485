import { toErrorData, type EngineErrorData } from '../engine/errors';
import { isIntervening, type Intervention } from '../engine/probe/intervention';
import type { HeadEffect } from '../engine/protocol';
import type { Trace } from '../engine/trace';
import { RunController } from './runController.svelte';
import type { RunState } from './run.svelte';

/** "What if": run B, forked from the app's run A with the same seed and settings, its prompt edited or some heads
 * and MLPs switched off; and the ranking of heads by what switching each off does to A's first token. B lives in
 * its own run controller on the same model (the worker holds one run at a time and hands it back as needed). */
export class WhatIf {
  readonly b: RunController;
  /** B's prompt; null: A's. */
  prompt = $state<string | null>(null);
  /** Replaced, never changed in place: a plain object the worker message can carry. */
  intervention = $state.raw<Intervention>({ heads: [], mlps: [] });
  /** Which run the detail views show. */
  showing = $state<'a' | 'b'>('a');
  /** The flow chart's thumbnails show B − A instead of A's values. */
  chartDifference = $state(false);
  ranking = $state.raw<{ effects: HeadEffect[]; token: number; runId: number } | null>(null);
  rankProgress = $state<{ done: number; total: number } | null>(null);
  rankError = $state.raw<EngineErrorData | null>(null);

  constructor(private readonly run: RunState) {
    this.b = new RunController(run.slot);
  }

  /** Either run is using the worker. */
  get busy(): boolean {
    return this.run.generating || this.b.generating || this.rankProgress !== null;
  }

  toggleHead(layer: number, head: number): void {
    const key = `${layer}.${head}`;
    const heads = this.intervention.heads.includes(key) ? this.intervention.heads.filter((h) => h !== key) : [...this.intervention.heads, key];
    this.intervention = { ...this.intervention, heads };
  }

  toggleMlp(layer: number): void {
    const mlps = this.intervention.mlps.includes(layer) ? this.intervention.mlps.filter((l) => l !== layer) : [...this.intervention.mlps, layer];
    this.intervention = { ...this.intervention, mlps };
  }

  /** Runs B: A's seed, sampling settings and number of tokens; B's prompt and what is switched off. */
  async fork(a: Trace): Promise<void> {
    if (this.busy) return;
    const settings = { ...a.settings, seed: a.seed, maxNewTokens: Math.max(1, a.steps.length) };
    const intervention = isIntervening(this.intervention) ? this.intervention : null;
    await this.b.generate(this.prompt ?? a.prompt, settings, intervention);
  }

  /** Switches each head off in turn and ranks them by how much A's first chosen token's logit drops. */
  async rank(a: Trace): Promise<void> {
    const client = this.run.slot.client;
    const first = a.steps[0];
    if (!client || !first || this.busy) return;
    this.rankError = null;
    this.rankProgress = { done: 0, total: a.config.nLayer * a.config.nHead };
    try {
      const ids = a.tokens.slice(0, a.promptLength).map((token) => token.id);
      const token = first.decision.chosenId;
      const effects = await client.call({ type: 'rankHeads', ids, tokenId: token }, { onRanked: (done, total) => (this.rankProgress = { done, total }) });
      this.ranking = { effects, token, runId: a.runId };
    } catch (error) {
      this.rankError = toErrorData(error);
    } finally {
      this.rankProgress = null;
    }
  }

  cancelRank(): void {
    if (this.rankProgress) this.run.slot.client?.cancel();
  }
}
