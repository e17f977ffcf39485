import type { ModelConfig } from '../models/config';
import {
  LAYER_HOOKS,
  LLAMA_LAYER_HOOKS,
  QK_NORM_LAYER_HOOKS,
  PointRecorder,
  layerHook,
  type CaptureLayout,
  type CapturePoint,
} from './capturePoints';
import { nodesIn, scopeOutput, type GraphIndex } from './graph';
import { attentionTensors, initializerName, residualAdd, scopeInput } from './structure';

/** What a member of the Llama family adds to Llama's graph, as far as capture goes (Qwen2's biases on Q, K and V
 * change no capture point: the projection's Add is simply part of it). */
export interface LlamaVariant {
  /** A per-head RMSNorm on Q and K before RoPE (Qwen3's `self_attn/q_norm/`, `self_attn/k_norm/`). */
  qkNorm: boolean;
}

export const LLAMA: LlamaVariant = { qkNorm: false };

/** The capture rules of a Llama-family graph exported by torch with Hugging Face names (`/model/layers.0/self_attn/…`).
 * Beyond GPT-2's: Q and K are captured before and after the rotary embedding (hook_q / hook_rot_q), K and V once
 * per key/value head (grouped-query attention: the graph repeats them for the query heads, the capture does not),
 * and the SwiGLU's gate (hook_pre), linear branch (hook_pre_linear) and product (hook_post). With QK-norm, Q and K
 * as projected are the norms' inputs, and what enters RoPE is the norms' output (`attn.q_norm.hook_normalized`). */
export function llamaCapturePoints(index: GraphIndex, config: ModelConfig, variant: LlamaVariant = LLAMA): CapturePoint[] {
  const recorder = new PointRecorder();
  const record = (hook: string, tensor: string | null | undefined) => recorder.record(hook, tensor);
  const root = '/model/';
  record('hook_embed', scopeOutput(index, `${root}embed_tokens/`));
  for (let layer = 0; layer < config.nLayer; layer++) {
    const scope = `${root}layers.${layer}/`;
    const hook = (name: string, tensor: string | null | undefined) => record(layerHook(layer, name), tensor);
    const residPre = scopeInput(index, `${scope}input_layernorm/`);
    hook('hook_resid_pre', residPre);
    hook('ln1.hook_normalized', scopeOutput(index, `${scope}input_layernorm/`));
    const attention = attentionTensors(index, `${scope}self_attn/`);
    const rotK = unrepeat(index, attention.k);
    // What RoPE rotates: Q and K as projected, or (QK-norm) as normalised.
    const ropeInputQ = beforeRotary(index, attention.q);
    const ropeInputK = beforeRotary(index, newPositions(index, rotK));
    hook('attn.hook_rot_q', attention.q);
    hook('attn.hook_rot_k', rotK);
    if (variant.qkNorm) {
      hook('attn.hook_q', scopeInput(index, `${scope}self_attn/q_norm/`));
      hook('attn.hook_k', scopeInput(index, `${scope}self_attn/k_norm/`));
      hook('attn.q_norm.hook_normalized', ropeInputQ);
      hook('attn.k_norm.hook_normalized', ropeInputK);
    } else {
      hook('attn.hook_q', ropeInputQ);
      hook('attn.hook_k', ropeInputK);
    }
    hook('attn.hook_v', unrepeat(index, attention.v));
    hook('attn.hook_attn_scores_unmasked', attention.unmaskedScores);
    hook('attn.hook_attn_scores', attention.maskedScores);
    hook('attn.hook_pattern', attention.pattern);
    hook('attn.hook_z', attention.z);
    const mid = residualAdd(index, residPre, `${scope}input_layernorm/`);
    hook('hook_attn_out', mid?.branch);
    hook('hook_resid_mid', mid?.sum);
    hook('ln2.hook_normalized', scopeOutput(index, `${scope}post_attention_layernorm/`));
    hook('mlp.hook_pre', scopeOutput(index, `${scope}mlp/gate_proj/`));
    hook('mlp.hook_pre_linear', scopeOutput(index, `${scope}mlp/up_proj/`));
    hook('mlp.hook_post', scopeInput(index, `${scope}mlp/down_proj/`));
    const post = residualAdd(index, mid?.sum ?? null, `${scope}post_attention_layernorm/`);
    hook('hook_mlp_out', post?.branch);
    hook('hook_resid_post', post?.sum);
  }
  record('ln_final.hook_normalized', scopeOutput(index, `${root}norm/`));
  record('logits', index.outputs.has('logits') ? 'logits' : null);
  return recorder.points(['hook_embed', 'ln_final.hook_normalized', 'logits'], layerHooks(variant), config.nLayer);
}

/** The per-layer hooks of a variant, in program order. With QK-norm, Q and K as projected are read before the
 * heads move to the front ([1, T, H, d_head]: the layout the norm reads). */
function layerHooks(variant: LlamaVariant): (readonly [string, CaptureLayout])[] {
  if (!variant.qkNorm) return [...LAYER_HOOKS, ...LLAMA_LAYER_HOOKS];
  const projected = LAYER_HOOKS.map(
    ([hook, layout]) => [hook, hook === 'attn.hook_q' || hook === 'attn.hook_k' ? 'tokenHeads' : layout] as const,
  );
  return [...projected, ...QK_NORM_LAYER_HOOKS, ...LLAMA_LAYER_HOOKS];
}

/** Back from a repeated K or V (expanded for the query heads) to the tensor with one head per key/value head. */
function unrepeat(index: GraphIndex, tensor: string | null | undefined): string | null {
  let current = tensor ?? null;
  for (let depth = 0; current && depth < 6; depth++) {
    const node = index.producer.get(current);
    if (!node || !['Reshape', 'Expand', 'Unsqueeze'].includes(node.opType ?? '')) return current;
    current = node.input?.[0] ?? null;
  }
  return current;
}

/** The new positions' K of a KV-cache graph: the second input of the Concat that appends them to the past. */
function newPositions(index: GraphIndex, tensor: string | null): string | null {
  const node = tensor ? index.producer.get(tensor) : undefined;
  return node?.opType === 'Concat' ? (node.input?.[1] ?? null) : tensor;
}

/** x·cos + rotate_half(x)·sin → x: the input of the Mul that takes the head-split (transposed) tensor. */
function beforeRotary(index: GraphIndex, rotated: string | null | undefined): string | null {
  const add = rotated ? index.producer.get(rotated) : undefined;
  if (add?.opType !== 'Add') return null;
  for (const input of add.input ?? []) {
    const mul = index.producer.get(input);
    if (mul?.opType !== 'Mul') continue;
    const plain = (mul.input ?? []).find((x) => index.producer.get(x)?.opType === 'Transpose');
    if (plain) return plain;
  }
  return null;
}

/** Names of the initializers the logit lens needs: the final RMSNorm's weight and the token embedding. */
export function llamaLensInitializers(index: GraphIndex) {
  const weight = nodesIn(index, '/model/norm/')
    .flatMap((node) => node.input ?? [])
    .map((input) => initializerName(index, input))
    .find(Boolean);
  const gather = nodesIn(index, '/model/embed_tokens/').find((node) => node.opType === 'Gather');
  if (!weight || !gather) return null;
  return { lnWeight: weight, embedding: gather.input?.[0] ?? '' };
}
