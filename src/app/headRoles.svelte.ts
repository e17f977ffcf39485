import { toErrorData, type EngineErrorData } from '../engine/errors';
import { headRoleScores, randomTokens, type HeadRoleScores } from '../engine/headRoles';
import type { ModelSlot } from './modelSlot.svelte';

/** Random tokens before the repeat: long enough that a head spread evenly scores near 0, short enough for one pass
 * of a large model on WASM. */
const HALF = 40;
/** The test's seed: the same sequence on every page, so scores can be compared and checked. */
export const HEAD_ROLE_SEED = 1234;
/** A token whose piece looks like a special token (`<|endoftext|>`, `<s>`, `<|im_start|>`) is not drawn, nor an id with
 * no token behind it (a vocabulary padded past the tokenizer's, as Qwen's is). */
const SPECIAL = /^<\|.*\|>$|^<\/?[a-z_]+>$/i;

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

  /** Measures the loaded model's heads, unless already done for this load or under way. */
  async measure(): Promise<void> {
    const { client, model } = this.slot;
    const load = this.slot.loadSerial;
    if (!client || !model || this.running || this.scoredLoad === load) return;
    this.running = true;
    this.error = null;
    try {
      const { config } = model;
      const half = Math.min(HALF, Math.floor(config.nCtx / 2));
      const avoid = new Set(config.stopTokenIds);
      let drawn = randomTokens(config.vocabSize, half, HEAD_ROLE_SEED, avoid);
      // Special tokens are left out (they are not text); a few more draws replace them.
      for (let round = 0; round < 16; round++) {
        const special = (await client.call({ type: 'describe', ids: drawn }))
          .filter((token) => token.piece === '' || SPECIAL.test(token.piece))
          .map((token) => token.id);
        if (special.length === 0) break;
        for (const id of special) avoid.add(id);
        drawn = randomTokens(config.vocabSize, half, HEAD_ROLE_SEED + round + 1, avoid);
      }
      const ids = [...drawn, ...drawn];
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
