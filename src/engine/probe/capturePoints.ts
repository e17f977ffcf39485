import { EngineError } from '../errors';

/** How a captured tensor is laid out, so the Trace can cut it into per-position rows (batch is always 1):
 * - `tokens`:    [1, T, X]   one row per new position
 * - `heads`:     [1, H, T, X] one [H, X] block per new position
 * - `cache`:     [1, H, S, X] keys/values for all S positions so far; the new positions are the last T
 * - `attention`: [1, H, T, S] one [H, S] block per new position (scores or pattern over all keys so far)
 * - `tokenHeads`: [1, T, H, X] one [H, X] block per new position, before the heads are moved to the front (Qwen3's
 *   Q and K as projected, which its QK-norm reads in this layout) */
export type CaptureLayout = 'tokens' | 'heads' | 'cache' | 'attention' | 'tokenHeads';

/** A named place in the model whose tensor the engine records. Names follow TransformerLens' hook names. */
export interface CapturePoint {
  hook: string;
  tensor: string;
  layer: number | null;
  layout: CaptureLayout;
}

/** The per-layer hooks, in the order the program runs them. */
export const LAYER_HOOKS = [
  ['hook_resid_pre', 'tokens'],
  ['ln1.hook_normalized', 'tokens'],
  ['attn.hook_q', 'heads'],
  ['attn.hook_k', 'cache'],
  ['attn.hook_v', 'cache'],
  ['attn.hook_attn_scores_unmasked', 'attention'],
  ['attn.hook_attn_scores', 'attention'],
  ['attn.hook_pattern', 'attention'],
  ['attn.hook_z', 'heads'],
  ['hook_attn_out', 'tokens'],
  ['hook_resid_mid', 'tokens'],
  ['ln2.hook_normalized', 'tokens'],
  ['mlp.hook_pre', 'tokens'],
  ['mlp.hook_post', 'tokens'],
  ['hook_mlp_out', 'tokens'],
  ['hook_resid_post', 'tokens'],
] as const satisfies readonly (readonly [string, CaptureLayout])[];

/** Hooks only a Llama-family graph has: Q and K after the rotary embedding, and the SwiGLU's linear (up) branch. */
export const LLAMA_LAYER_HOOKS = [
  ['attn.hook_rot_q', 'heads'],
  ['attn.hook_rot_k', 'cache'],
  ['mlp.hook_pre_linear', 'tokens'],
] as const satisfies readonly (readonly [string, CaptureLayout])[];

/** Hooks only a graph with QK-norm has (Qwen3): Q and K after their per-head RMSNorm, before RoPE. Q and K as
 * projected (hook_q, hook_k) are then read before the norm, in the `tokenHeads` layout. */
export const QK_NORM_LAYER_HOOKS = [
  ['attn.q_norm.hook_normalized', 'heads'],
  ['attn.k_norm.hook_normalized', 'cache'],
] as const satisfies readonly (readonly [string, CaptureLayout])[];

export const MODEL_HOOKS = [
  ['hook_embed', 'tokens'],
  ['hook_pos_embed', 'tokens'],
  ['ln_final.hook_normalized', 'tokens'],
  ['logits', 'tokens'],
] as const satisfies readonly (readonly [string, CaptureLayout])[];

export function layerHook(layer: number, name: string): string {
  return `blocks.${layer}.${name}`;
}

/** Collects an adapter's findings; throws one error naming every capture point it could not find. */
export class PointRecorder {
  private readonly found = new Map<string, string>();
  private readonly missing: string[] = [];

  record(hook: string, tensor: string | null | undefined): void {
    if (tensor) this.found.set(hook, tensor);
    else this.missing.push(hook);
  }

  /** The points in program order: the model-level ones, then each layer's. */
  points(modelHooks: readonly string[], layerHooks: readonly (readonly [string, CaptureLayout])[], layers: number): CapturePoint[] {
    if (this.missing.length > 0) throw new EngineError('probe-missing', { points: this.missing.join(', ') });
    const points: CapturePoint[] = modelHooks.map((hook) => ({ hook, tensor: this.found.get(hook)!, layer: null, layout: 'tokens' }));
    for (let layer = 0; layer < layers; layer++) {
      for (const [name, layout] of layerHooks) {
        const hook = layerHook(layer, name);
        points.push({ hook, tensor: this.found.get(hook)!, layer, layout });
      }
    }
    return points;
  }
}
