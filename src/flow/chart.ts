import type { ModelConfig } from '../engine/models/config';
import { isGrouped, traitsOf, type ArchitectureTraits } from '../engine/models/architecture';
import { NODE_SPECS, type NodeFamily, type NodeId, type NodeRegion, type NodeShape } from './nodes';

export type { NodeFamily, NodeId, NodeRegion, NodeShape } from './nodes';

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

/** The node as the table describes it. */
const node = (id: NodeId): FlowNode => {
  const { shape, region, family, hooks } = NODE_SPECS[id];
  return { id, key: id, shape, region, family, hooks };
};

/** The program's boxes in order (shared/FLOWCHART.md); some are only in some architectures (see flowChartFor). */
const PROGRAM: NodeId[] = [
  'start',
  'input',
  'tokenize',
  'embed',
  'posEmbed',
  'residual',
  'ln1',
  'qkv',
  'qkNorm',
  'rope',
  'scores',
  'mask',
  'softmax',
  'weightedSum',
  'outProj',
  'residAdd1',
  'ln2',
  'mlp',
  'residAdd2',
  'moreLayers',
  'lnFinal',
  'unembed',
  'temperature',
  'filter',
  'probabilities',
  'sample',
  'append',
  'done',
  'end',
];

/** A box's place in the program of every architecture (boxes one model lacks have their place too). */
export function programRank(id: NodeId): number {
  return PROGRAM.indexOf(id);
}

/** The decoder-only Transformer as a program, for a GPT-2 model of `config`'s size. */
export function gpt2FlowChart(config: Pick<ModelConfig, 'nLayer' | 'nHead'>): FlowChart {
  const nodes = PROGRAM.filter((id) => id !== 'qkNorm' && id !== 'rope').map(node);
  return { nodes, edges: programEdges(nodes), layers: config.nLayer, heads: config.nHead };
}

/** The flow chart of the model's architecture, from its traits: a model with rotary embeddings has no position
 * box (positions enter by rotating Q and K: the RoPE box), RMSNorm boxes replace LayerNorm ones, a SwiGLU MLP its
 * own box. Box keys (which texts and formula a box shows) also follow the config: grouped-query attention, and an
 * unembedding tied to W_E or not. */
export function flowChartFor(config: Pick<ModelConfig, 'nLayer' | 'nHead' | 'nKvHead' | 'architecture' | 'tieWordEmbeddings'>): FlowChart {
  const traits = traitsOf(config);
  const rms = traits.norm === 'rmsnorm';
  const changes: Partial<Record<NodeId, Partial<FlowNode>>> = {
    residual: traits.position === 'rope' ? { key: 'residualRope' } : {},
    ln1: rms ? { key: 'ln1Rms' } : {},
    qkv: { key: qkvKey(traits, isGrouped(config)) },
    ln2: rms ? { key: 'ln2Rms' } : {},
    mlp:
      traits.mlp === 'swiglu'
        ? {
            key: 'mlpSwiglu',
            hooks: ['blocks.{l}.mlp.hook_pre', 'blocks.{l}.mlp.hook_pre_linear', 'blocks.{l}.mlp.hook_post', 'blocks.{l}.hook_mlp_out'],
          }
        : {},
    lnFinal: rms ? { key: 'lnFinalRms' } : {},
    unembed: config.tieWordEmbeddings ? {} : { key: 'unembedUntied' },
  };
  const present: Partial<Record<NodeId, boolean>> = {
    posEmbed: traits.position === 'learned',
    // Qwen3's QK-norm: each head's q and k go through an RMSNorm of their own between the projections and RoPE.
    qkNorm: traits.qkNorm,
    rope: traits.position === 'rope',
  };
  const nodes = PROGRAM.filter((id) => present[id] ?? true).map((id) => ({ ...node(id), ...changes[id] }));
  return { nodes, edges: programEdges(nodes), layers: config.nLayer, heads: config.nHead };
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
