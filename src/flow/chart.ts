import type { ModelConfig } from '../engine/models/config';
import { isGrouped, traitsOf, type ArchitectureTraits } from './architecture';

/** Classic flowchart shapes: rounded terminals, rectangles for steps, diamonds for decisions. */
export type NodeShape = 'terminal' | 'step' | 'decision';

/** Where a node sits in the program: before the loops, inside the layer loop, or after it. */
export type NodeRegion = 'input' | 'layer' | 'output';

/** The colour family a node belongs to (one fixed colour per kind of data across chart and views). */
export type NodeFamily = 'io' | 'embedding' | 'residual' | 'norm' | 'attention' | 'mlp' | 'output' | 'sampling' | 'control';

export type NodeId =
  | 'start' | 'input' | 'tokenize' | 'embed' | 'posEmbed' | 'residual'
  | 'ln1' | 'qkv' | 'qkNorm' | 'rope' | 'scores' | 'mask' | 'softmax' | 'weightedSum' | 'outProj' | 'residAdd1'
  | 'ln2' | 'mlp' | 'residAdd2' | 'moreLayers'
  | 'lnFinal' | 'unembed' | 'temperature' | 'filter' | 'probabilities' | 'sample' | 'append' | 'done' | 'end';

export interface FlowNode {
  id: NodeId;
  /** The i18n key of its texts (`flow.node.<key>`, `flow.explain.<key>`, `flow.why.<key>`, `flow.caption.<key>`)
   * and of its formula (`formulaFor`); a box that differs by architecture or config has its own key, e.g. `ln1Rms`,
   * `qkvGqa`, `unembedUntied`. */
  key: string;
  shape: NodeShape;
  region: NodeRegion;
  family: NodeFamily;
  /** Capture points this node shows; `{l}` stands for the current layer. */
  hooks: string[];
}

export interface FlowEdge {
  from: NodeId;
  to: NodeId;
  /** A loop-back edge (layer loop or token loop) drawn around the side of the chart. */
  loop?: 'layer' | 'token';
  /** The answer that leads along this edge out of a decision. */
  answer?: 'yes' | 'no';
}

export interface FlowChart {
  nodes: FlowNode[];
  edges: FlowEdge[];
  layers: number;
  heads: number;
}

const node = (id: NodeId, shape: NodeShape, region: NodeRegion, family: NodeFamily, hooks: string[] = [], key: string = id): FlowNode => ({ id, key, shape, region, family, hooks });

/** The decoder-only Transformer as a program (shared/FLOWCHART.md), for a GPT-2 model of `config`'s size. */
export function gpt2FlowChart(config: Pick<ModelConfig, 'nLayer' | 'nHead'>): FlowChart {
  const nodes: FlowNode[] = [
    node('start', 'terminal', 'input', 'control'),
    node('input', 'step', 'input', 'io'),
    node('tokenize', 'step', 'input', 'io'),
    node('embed', 'step', 'input', 'embedding', ['hook_embed']),
    node('posEmbed', 'step', 'input', 'embedding', ['hook_pos_embed']),
    node('residual', 'step', 'input', 'residual', ['blocks.0.hook_resid_pre']),
    node('ln1', 'step', 'layer', 'norm', ['blocks.{l}.ln1.hook_normalized']),
    node('qkv', 'step', 'layer', 'attention', ['blocks.{l}.attn.hook_q', 'blocks.{l}.attn.hook_k', 'blocks.{l}.attn.hook_v']),
    node('scores', 'step', 'layer', 'attention', ['blocks.{l}.attn.hook_attn_scores_unmasked']),
    node('mask', 'step', 'layer', 'attention', ['blocks.{l}.attn.hook_attn_scores']),
    node('softmax', 'step', 'layer', 'attention', ['blocks.{l}.attn.hook_pattern']),
    node('weightedSum', 'step', 'layer', 'attention', ['blocks.{l}.attn.hook_z']),
    node('outProj', 'step', 'layer', 'attention', ['blocks.{l}.hook_attn_out']),
    node('residAdd1', 'step', 'layer', 'residual', ['blocks.{l}.hook_resid_mid']),
    node('ln2', 'step', 'layer', 'norm', ['blocks.{l}.ln2.hook_normalized']),
    node('mlp', 'step', 'layer', 'mlp', ['blocks.{l}.mlp.hook_pre', 'blocks.{l}.mlp.hook_post', 'blocks.{l}.hook_mlp_out']),
    node('residAdd2', 'step', 'layer', 'residual', ['blocks.{l}.hook_resid_post']),
    node('moreLayers', 'decision', 'layer', 'control'),
    node('lnFinal', 'step', 'output', 'norm', ['ln_final.hook_normalized']),
    node('unembed', 'step', 'output', 'output', ['logits']),
    node('temperature', 'step', 'output', 'sampling'),
    node('filter', 'step', 'output', 'sampling'),
    node('probabilities', 'step', 'output', 'sampling'),
    node('sample', 'step', 'output', 'sampling'),
    node('append', 'step', 'output', 'io'),
    node('done', 'decision', 'output', 'control'),
    node('end', 'terminal', 'output', 'control'),
  ];
  return { nodes, edges: programEdges(nodes), layers: config.nLayer, heads: config.nHead };
}

/** The flow chart of the model's architecture, from its traits: a model with rotary embeddings has no position
 * box (positions enter by rotating Q and K: the RoPE box), RMSNorm boxes replace LayerNorm ones, a SwiGLU MLP its
 * own box. Box keys (which texts and formula a box shows) also follow the config: grouped-query attention, and an
 * unembedding tied to W_E or not. */
export function flowChartFor(config: Pick<ModelConfig, 'nLayer' | 'nHead' | 'nKvHead' | 'architecture' | 'tieWordEmbeddings'>): FlowChart {
  const chart = gpt2FlowChart(config);
  const traits = traitsOf(config);
  const rms = traits.norm === 'rmsnorm';
  const changes: Partial<Record<NodeId, Partial<FlowNode>>> = {
    residual: traits.position === 'rope' ? { key: 'residualRope' } : {},
    ln1: rms ? { key: 'ln1Rms' } : {},
    qkv: { key: qkvKey(traits, isGrouped(config)) },
    ln2: rms ? { key: 'ln2Rms' } : {},
    mlp: traits.mlp === 'swiglu' ? { key: 'mlpSwiglu', hooks: ['blocks.{l}.mlp.hook_pre', 'blocks.{l}.mlp.hook_pre_linear', 'blocks.{l}.mlp.hook_post', 'blocks.{l}.hook_mlp_out'] } : {},
    lnFinal: rms ? { key: 'lnFinalRms' } : {},
    unembed: config.tieWordEmbeddings ? {} : { key: 'unembedUntied' },
  };
  const nodes: FlowNode[] = [];
  for (const original of chart.nodes) {
    if (original.id === 'posEmbed' && traits.position !== 'learned') continue;
    nodes.push({ ...original, ...changes[original.id] });
    // Qwen3's QK-norm: each head's q and k go through an RMSNorm of their own between the projections and RoPE.
    if (original.id === 'qkv' && traits.qkNorm) nodes.push(node('qkNorm', 'step', 'layer', 'norm', ['blocks.{l}.attn.q_norm.hook_normalized', 'blocks.{l}.attn.k_norm.hook_normalized']));
    if (original.id === 'qkv' && traits.position === 'rope') nodes.push(node('rope', 'step', 'layer', 'attention', ['blocks.{l}.attn.hook_rot_q', 'blocks.{l}.attn.hook_rot_k']));
  }
  return { ...chart, nodes, edges: programEdges(nodes) };
}

/** GPT-2's one fused product, or three projections for all heads, or for fewer K/V heads. */
function qkvKey(traits: ArchitectureTraits, grouped: boolean): string {
  if (traits.fusedQkv) return 'qkv';
  return grouped ? 'qkvGqa' : 'qkvSplit';
}

/** The arrows of the program: each box to the next, the decisions' answers, and the two loops back. */
function programEdges(nodes: FlowNode[]): FlowEdge[] {
  const edges: FlowEdge[] = [];
  for (let i = 0; i + 1 < nodes.length; i++) {
    const from = nodes[i]!.id;
    const answer = from === 'moreLayers' ? 'no' : from === 'done' ? 'yes' : undefined;
    edges.push({ from, to: nodes[i + 1]!.id, ...(answer ? { answer } : {}) });
  }
  edges.push({ from: 'moreLayers', to: 'ln1', loop: 'layer', answer: 'yes' });
  edges.push({ from: 'done', to: 'embed', loop: 'token', answer: 'no' });
  return edges;
}

/** A node's capture points for one layer. */
export function nodeHooks(node: FlowNode, layer: number): string[] {
  return node.hooks.map((hook) => hook.replace('{l}', String(layer)));
}
