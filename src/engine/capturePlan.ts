import type { ModelConfig } from './models/config';
import type { CapturePoint } from './probe/capturePoints';

/** Which capture points a forward pass hands to the page.
 * - `all`: every point at every new position (the embedded models, and any model whose captures are small).
 * - `lean`: the residual stream at every layer boundary, the embeddings and the final norm, the logits of the newest
 *   position only (the one sampled), and every point of the `layers` the learner has open. Anything else is
 *   recomputed when the learner opens it (`capture` requests), from the same ids through the same graph. */
export interface CapturePlan {
  mode: 'all' | 'lean';
  layers: number[];
}

export type CaptureMode = CapturePlan['mode'];

export const FULL_CAPTURE: CapturePlan = { mode: 'all', layers: [] };

/** Captured bytes per position (at 256 keys) above which a model runs the lean plan: a 256-token run's full capture
 * then stays within 128 MB. The embedded models need about 180 KB; GPT-2 small about 1.3 MB, Qwen2.5-0.5B about 3 MB. */
export const LEAN_ABOVE_BYTES_PER_POSITION = 512 * 1024;

/** Hooks a lean plan captures at every position, besides the open layers' (the residual stream at each boundary). */
const LEAN_MODEL_HOOKS = new Set(['hook_embed', 'hook_pos_embed', 'ln_final.hook_normalized']);
const LEAN_LAYER_HOOKS = new Set(['hook_resid_pre', 'hook_resid_post']);

/** Logits are kept for this many of the newest computed positions in a lean run (older ones are recomputed when a
 * view asks): a 152k-token vocabulary makes each row 600 KB. */
export const LEAN_LOGITS_KEPT = 32;

/** The bytes a full capture records per position when `positions` are computed (attention rows grow with the
 * context: counted at `positions` keys). */
export function captureBytesPerPosition(config: ModelConfig, points: readonly CapturePoint[], positions = 256): number {
  const { dModel, dHead, nHead, nKvHead, vocabSize } = config;
  let values = 0;
  for (const point of points) {
    if (point.hook === 'logits') values += vocabSize;
    else if (point.layout === 'attention') values += nHead * positions;
    else if (point.layout === 'heads') values += nHead * dHead;
    else if (point.layout === 'cache' || point.layout === 'tokenHeads') values += (point.hook.includes('hook_q') ? nHead : nKvHead) * dHead;
    else values += point.hook.includes('.mlp.hook_') ? config.dMlp : dModel;
  }
  return values * 4;
}

/** About how many characters an export of `positions` positions holds when every tensor is written: a float32 value
 * written in full as JSON takes about 19.5 characters with its comma (measured on random float32 values); an
 * attention entry above the diagonal (a later key) only `null,` or `0,`. */
export function completeExportCharacters(config: ModelConfig, points: readonly CapturePoint[], positions: number): number {
  const attention = points.filter((point) => point.layout === 'attention').length * config.nHead * positions * positions;
  const later = (attention * (positions - 1)) / (2 * positions);
  const values = (captureBytesPerPosition(config, points, positions) / 4) * positions;
  return (values - later) * 19.5 + later * 5;
}

/** The longest export a page writes: a browser's strings stop at about 512 million characters (V8), and the page
 * holds the document twice while writing it. */
export const EXPORT_MAX_CHARACTERS = 300_000_000;

/** The plan a model starts with: everything, unless its captures are too large to keep for every position. */
export function defaultCaptureMode(config: ModelConfig, points: readonly CapturePoint[]): CaptureMode {
  return captureBytesPerPosition(config, points) > LEAN_ABOVE_BYTES_PER_POSITION ? 'lean' : 'all';
}

/** Whether the plan captures `point` at every position it computes (logits: only the newest, in a lean plan). */
export function planCaptures(plan: CapturePlan, point: Pick<CapturePoint, 'hook' | 'layer'>): boolean {
  if (plan.mode === 'all' || point.hook === 'logits') return true;
  if (point.layer === null) return LEAN_MODEL_HOOKS.has(point.hook);
  return plan.layers.includes(point.layer) || LEAN_LAYER_HOOKS.has(point.hook.slice(`blocks.${point.layer}.`.length));
}

/** A recompute asking for more layers than this goes through the whole graph from the ids: past it, cutting and
 * opening a piece per layer costs as much as the full pass. */
export const SEGMENT_MAX_LAYERS = 2;

/** How a recompute of `hooks` can start from the residual stream a lean run keeps instead of from the ids: the
 * layers they lie in, and the kept hooks it reads (each layer's residual stream in, and the embeddings, whose size
 * the graph's attention mask may read). Null when a hook lies outside the layers (logits, the final norm) or the
 * hooks span more than SEGMENT_MAX_LAYERS layers. */
export function segmentInputs(points: readonly CapturePoint[], hooks: readonly string[]): { layers: number[]; cut: string[] } | null {
  const byHook = new Map(points.map((point) => [point.hook, point]));
  const layers = new Set<number>();
  for (const hook of hooks) {
    const layer = byHook.get(hook)?.layer;
    if (layer === null || layer === undefined) return null;
    layers.add(layer);
  }
  if (layers.size === 0 || layers.size > SEGMENT_MAX_LAYERS) return null;
  const sorted = [...layers].sort((a, b) => a - b);
  const cut = [
    ...['hook_embed', 'hook_pos_embed'].filter((hook) => byHook.has(hook)),
    ...sorted.map((layer) => `blocks.${layer}.hook_resid_pre`),
  ];
  return { layers: sorted, cut };
}
