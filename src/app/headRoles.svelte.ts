import { toErrorData, type EngineErrorData } from '../engine/errors';
import { headRoleScores, headRoleSequence, type HeadRoleScores } from '../engine/headRoles';
import type { ModelSlot } from './modelSlot.svelte';

/** The head-role test on the loaded model (headRoles.ts): one pass over a repeated random sequence in the worker,
 * scored here. Run once per loaded model, when a view first asks. */
export class HeadRolesTest {
  scores = $state.raw<HeadRoleScores | null>(null);
  /** The test's tokens (both halves), for the view that shows what was fed. */
  ids = $state.raw<number[]>([]);
  running = $state(false);
  error = $state.raw<EngineErrorData | null>(null);
  /** The load the scores belong to. */
  private scoredLoad = $state<number | null>(null);

  constructor(private readonly slot: ModelSlot) {}

  /** The scores for the model loaded now (null until measured, or when they belong to another load). */
  get current(): HeadRoleScores | null {
    return this.scoredLoad === this.slot.loadSerial ? this.scores : null;
  }

  /** The scores for a run of this shape (a run of another model's shape cannot be read with them), else null. */
  scoresFor(config: { nLayer: number; nHead: number }): HeadRoleScores | null {
    const scores = this.current;
    return scores && scores.layers === config.nLayer && scores.heads === config.nHead ? scores : null;
  }

  /** Measures the loaded model's heads, unless already done for this load; a call while it runs waits for it. */
  measure(): Promise<void> {
    // After the run under way (perhaps of a model loaded before), for the model loaded now.
    this.pending = (this.pending ?? Promise.resolve()).then(() => this.measureNow());
    return this.pending;
  }

  private pending: Promise<void> | null = null;

  private async measureNow(): Promise<void> {
    const { client, model } = this.slot;
    const load = this.slot.loadSerial;
    if (!client || !model || this.scoredLoad === load) return;
    this.running = true;
    this.error = null;
    try {
      const { config } = model;
      const { ids, half } = await headRoleSequence(config, (drawn) => client.call({ type: 'describe', ids: drawn }));
      const hooks = Array.from({ length: config.nLayer }, (_, layer) => `blocks.${layer}.attn.hook_pattern`);
      const record = await client.call({ type: 'capture', ids, hooks, intervention: null, from: 0 });
      if (this.slot.loadSerial !== load) return;
      this.scores = headRoleScores(record, config.nLayer, config.nHead, half);
      this.ids = ids;
      this.scoredLoad = load;
    } catch (error) {
      this.error = toErrorData(error);
    } finally {
      this.running = false;
    }
  }
}
