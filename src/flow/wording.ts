import type { ModelConfig } from '../engine/models/config';
import type { MessageKey } from '../i18n/index.svelte';
import { isGrouped, traitsOf } from '../engine/models/architecture';
import { NODE_SPECS, type NodeId } from './nodes';

/** Which strings explain a box and the detail views for this model: the wording half of the architecture adapter
 * (the chart's box keys are the other half). Components read these keys; tests read them too, to check that no
 * string shown for an architecture names a component it does not have. */

export interface BoxTexts {
  label: MessageKey;
  /** What the box computes: one or more sentences. */
  explain: MessageKey[];
  /** Why it is there, or why it works this way. */
  why: MessageKey;
  caption: MessageKey;
  /** What the formula's matrices are called in the text (the formulas are word-free), where they have names. */
  legend?: MessageKey;
}

export function boxTexts(key: string, config: Pick<ModelConfig, 'ropeScaling'> & Partial<Pick<ModelConfig, 'architecture'>>): BoxTexts {
  const explain = [`flow.explain.${key}` as MessageKey];
  // Rescaled RoPE frequencies (Llama 3's "llama3", YaRN…) differ from the plain formula: say so.
  if (key === 'rope' && config.ropeScaling) explain.push('flow.explain.ropeScaled');
  // Separate Q, K, V projections with biases (Qwen2): GPT-2's fused product says so in its own sentence.
  const traits = config.architecture ? traitsOf({ architecture: config.architecture }) : null;
  if ((key === 'qkvSplit' || key === 'qkvGqa') && traits?.qkvBias) explain.push('flow.explain.qkvBias');
  const texts: BoxTexts = {
    label: `flow.node.${key}` as MessageKey,
    explain,
    why: `flow.why.${key}` as MessageKey,
    caption: `flow.caption.${key}` as MessageKey,
  };
  if (key === 'mlp' || key === 'mlpSwiglu') texts.legend = `flow.legend.${key}`;
  return texts;
}

/** The numbers the texts quote, all from the config, so a sentence is true for the model on screen. */
export function textParams(config: ModelConfig): Record<string, string | number> {
  const significant = (value: number) => Number(value.toPrecision(3));
  return {
    heads: config.nHead,
    kvHeads: config.nKvHead,
    group: config.nHead / config.nKvHead,
    layers: config.nLayer,
    dModel: config.dModel,
    dHead: config.dHead,
    half: config.dHead / 2,
    sqrtDHead: significant(Math.sqrt(config.dHead)),
    dMlp: config.dMlp,
    ratio: significant(config.dMlp / config.dModel),
    vocab: config.vocabSize,
    context: config.nCtx,
    theta: config.ropeTheta ?? '',
    scaling: config.ropeScaling ?? '',
  };
}

export interface ViewWording {
  mlp: { pre: MessageKey; post: MessageKey; curve: MessageKey; top: MessageKey };
  /** Said only where lm_head is a matrix of its own: `untied` when the lens uses it, `unread` when the app could not
   * read it from the file (the lens is then not shown). */
  lens: { table: MessageKey; why: MessageKey; untied?: MessageKey; unread?: MessageKey };
  /** Row labels of the embedding view: token, position and sum with a position table; the token alone with RoPE. */
  embedding: { rows: MessageKey[]; note: MessageKey | null };
  /** Notes under the worked Q·K example: Q and K after RoPE; which K/V head a query head reads. */
  attention: { worked: MessageKey[] };
  /** Notes under the KV cache's table: that it keeps K after RoPE; that grouped-query attention shrinks it. */
  cache: MessageKey[];
  /** The model's one-line summary: heads per layer, and the key/value heads under grouped-query attention. */
  summary: MessageKey;
}

/** The detail views' architecture-dependent strings. */
export function viewWording(
  config: Pick<ModelConfig, 'architecture' | 'nHead' | 'nKvHead'> & Partial<Pick<ModelConfig, 'tieWordEmbeddings'>>,
): ViewWording {
  const traits = traitsOf(config);
  const swiglu = traits.mlp === 'swiglu';
  const rope = traits.position === 'rope';
  const worked: MessageKey[] = [];
  if (rope) worked.push('views.attention.workedRope');
  if (isGrouped(config)) worked.push('views.attention.kvHead');
  const cache: MessageKey[] = [];
  if (rope) cache.push('views.cache.rope');
  if (isGrouped(config)) cache.push('views.cache.grouped');
  return {
    mlp: swiglu
      ? { pre: 'views.mlp.gate', post: 'views.mlp.product', curve: 'views.mlp.silu', top: 'views.mlp.topSwiglu' }
      : { pre: 'views.mlp.pre', post: 'views.mlp.post', curve: 'views.mlp.gelu', top: 'views.mlp.top' },
    lens: {
      table: traits.norm === 'rmsnorm' ? 'views.lens.tableRms' : 'views.lens.table',
      why: 'views.lens.why',
      ...(config.tieWordEmbeddings === false ? ({ untied: 'views.lens.untied', unread: 'views.lens.untiedUnread' } as const) : {}),
    },
    embedding: rope
      ? { rows: ['views.embedding.token'], note: 'views.embedding.rope' }
      : { rows: ['views.embedding.token', 'views.embedding.position', 'views.embedding.sum'], note: null },
    attention: { worked },
    cache,
    summary: isGrouped(config) ? 'model.summaryGrouped' : 'model.summary',
  };
}

/** What a box's detail calls each of its tensors where the box has several (Q, K, V; the MLP's stages); null
 * where the box's own name says it. */
export function tensorLabel(hook: string, config: Pick<ModelConfig, 'architecture' | 'nHead' | 'nKvHead'>): MessageKey | null {
  const mlp = viewWording(config).mlp;
  const names: Record<string, MessageKey> = {
    'attn.hook_q': 'detail.tensor.q',
    'attn.hook_k': 'detail.tensor.k',
    'attn.hook_v': 'detail.tensor.v',
    'attn.q_norm.hook_normalized': 'detail.tensor.q',
    'attn.k_norm.hook_normalized': 'detail.tensor.k',
    'attn.hook_rot_q': 'detail.tensor.q',
    'attn.hook_rot_k': 'detail.tensor.k',
    'mlp.hook_pre': mlp.pre,
    'mlp.hook_post': mlp.post,
    hook_mlp_out: 'detail.tensor.mlpOut',
  };
  return names[hook.replace(/^blocks\.\d+\./, '')] ?? null;
}

/** What a box's detail says in place of tensors where it has no capture point: that it is computed outside the
 * model's graph and where its numbers are (the tokenizer's in the Tokens view, the sampler's in the Sampling view),
 * or that it only moves data along (start, input, the decisions, append, end). Null for a box with tensors. */
export function detailNote(node: NodeId): MessageKey | null {
  const spec = NODE_SPECS[node];
  if (spec.hooks.length > 0) return null;
  if (spec.outsideGraph) return spec.tab === 'tokens' ? 'detail.outsideTokens' : 'detail.outside';
  return 'detail.none';
}
