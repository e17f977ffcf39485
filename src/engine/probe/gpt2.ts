import type { ModelConfig } from '../models/config';
import { EngineError } from '../errors';
import { LAYER_HOOKS, MODEL_HOOKS, PointRecorder, layerHook, type CapturePoint } from './capturePoints';
import { initializerSize, nodesIn, scopeOutput, type GraphIndex } from './graph';
import { attentionTensors, initializerName, residualAdd, scopeInput } from './structure';

/** The capture rules of a GPT-2 graph exported by torch (module-path node names such as
 * `/transformer/h.0/attn/Softmax`). Scopes give the LayerNorms and linear layers; structure gives the rest:
 * Softmax → pattern; walking back from it → masked and unmasked scores → the Q·Kᵀ MatMul (Q, K); the MatMul
 * after the Softmax → z and V; the residual Adds → resid_mid and resid_post. */
export function gpt2CapturePoints(index: GraphIndex, config: ModelConfig): CapturePoint[] {
  const recorder = new PointRecorder();
  const record = (hook: string, tensor: string | null | undefined) => recorder.record(hook, tensor);

  const root = findRoot(index);
  let kTokensFirst = false;
  record('hook_embed', scopeOutput(index, `${root}wte/`));
  record('hook_pos_embed', scopeOutput(index, `${root}wpe/`));
  for (let layer = 0; layer < config.nLayer; layer++) {
    const scope = `${root}h.${layer}/`;
    const hook = (name: string, tensor: string | null | undefined) => record(layerHook(layer, name), tensor);
    const residPre = scopeInput(index, `${scope}ln_1/`);
    hook('hook_resid_pre', residPre);
    hook('ln1.hook_normalized', scopeOutput(index, `${scope}ln_1/`));
    const attention = attentionTensors(index, `${scope}attn/`);
    hook('attn.hook_q', attention.q);
    hook('attn.hook_k', attention.k);
    kTokensFirst ||= attention.kTokensFirst;
    hook('attn.hook_v', attention.v);
    hook('attn.hook_attn_scores_unmasked', attention.unmaskedScores);
    hook('attn.hook_attn_scores', attention.maskedScores);
    hook('attn.hook_pattern', attention.pattern);
    hook('attn.hook_z', attention.z);
    const mid = residualAdd(index, residPre, `${scope}ln_1/`);
    hook('hook_attn_out', mid?.branch);
    hook('hook_resid_mid', mid?.sum);
    hook('ln2.hook_normalized', scopeOutput(index, `${scope}ln_2/`));
    hook('mlp.hook_pre', scopeOutput(index, `${scope}mlp/c_fc/`));
    hook('mlp.hook_post', scopeInput(index, `${scope}mlp/c_proj/`));
    const post = residualAdd(index, mid?.sum ?? null, `${scope}ln_2/`);
    hook('hook_mlp_out', post?.branch);
    hook('hook_resid_post', post?.sum);
  }
  record('ln_final.hook_normalized', scopeOutput(index, `${root}ln_f/`));
  record('logits', index.outputs.has('logits') ? 'logits' : null);
  const layerHooks = LAYER_HOOKS.map(([hook, layout]) => [hook, hook === 'attn.hook_k' && kTokensFirst ? 'tokenHeads' : layout] as const);
  return recorder.points(
    MODEL_HOOKS.map(([hook]) => hook),
    layerHooks,
    config.nLayer,
  );
}

/** Names of the initializers the logit lens needs: ln_f's weight and bias, and the token embedding W_E. Opset 17
 * exports have one LayerNormalization node; older ones (Optimum's opset 14) spell it out, ending in
 * `Mul(weight)` then `Add(bias)`, with the epsilon only as a constant: the config's value is the same number. */
export function gpt2LensInitializers(index: GraphIndex, config: ModelConfig) {
  const root = findRoot(index);
  const normNodes = nodesIn(index, `${root}ln_f/`);
  const gather = nodesIn(index, `${root}wte/`).find((node) => node.opType === 'Gather');
  if (!gather) return null;
  const embedding = gather.input?.[0] ?? '';
  const fused = normNodes.find((node) => node.opType === 'LayerNormalization');
  if (fused) {
    const epsilon = fused.attribute?.find((attribute) => attribute.name === 'epsilon')?.f;
    return { lnWeight: fused.input?.[1] ?? '', lnBias: fused.input?.[2] ?? '', embedding, epsilon: epsilon ?? config.layerNormEpsilon };
  }
  const parameterOf = (opType: string) =>
    normNodes
      .filter((node) => node.opType === opType)
      .flatMap((node) => node.input ?? [])
      .map((input) => initializerName(index, input))
      .find((name) => name && initializerSize(index, name) === config.dModel); // not a folded epsilon constant
  const lnWeight = parameterOf('Mul');
  const lnBias = parameterOf('Add');
  if (!lnWeight || !lnBias) return null;
  return { lnWeight, lnBias, embedding, epsilon: config.layerNormEpsilon };
}

/** `/transformer/` for a GPT2LMHeadModel export, `/` for a bare GPT2Model. */
function findRoot(index: GraphIndex): string {
  for (const node of index.nodes) {
    const match = /^(.*\/)h\.0\//.exec(node.name ?? '');
    if (match) return match[1]!;
  }
  throw new EngineError('probe-missing', { points: 'blocks (h.0)' });
}
