import type { ModelConfig } from '../engine/models/config';
import { isGrouped, traitsOf } from '../engine/models/architecture';
import type { NodeId } from './nodes';

/** What two models compute differently, box by box, read from their configs (the architecture's traits and the
 * sizes): each topic names the boxes it concerns and, for each model, which variant it runs. Topics where the two
 * agree are left out. */
export type DifferenceTopic = 'position' | 'norm' | 'projection' | 'heads' | 'qkNorm' | 'mlp' | 'biases' | 'unembedding';

export interface ArchitectureDifference {
  topic: DifferenceTopic;
  /** The boxes it concerns (a box of one model only is in that model's chart alone). */
  nodes: NodeId[];
  /** Each model's variant: a message key suffix (`archDiff.{topic}.{variant}`), and its parameters. */
  sides: [Variant, Variant];
}

export interface Variant {
  variant: string;
  params: Record<string, string | number>;
}

type Config = Pick<ModelConfig, 'architecture' | 'nHead' | 'nKvHead' | 'tieWordEmbeddings'>;

/** What one model runs, topic by topic. */
export function variantsOf(config: Config): Record<DifferenceTopic, Variant> {
  const traits = traitsOf(config);
  const plain = (variant: string): Variant => ({ variant, params: {} });
  return {
    position: plain(traits.position),
    norm: plain(traits.norm),
    projection: plain(traits.fusedQkv ? 'fused' : 'split'),
    heads: isGrouped(config)
      ? { variant: 'grouped', params: { heads: config.nHead, kvHeads: config.nKvHead, share: config.nHead / config.nKvHead } }
      : { variant: 'all', params: { heads: config.nHead } },
    qkNorm: plain(traits.qkNorm ? 'yes' : 'no'),
    mlp: plain(traits.mlp),
    biases: plain(traits.linearBias ? 'everywhere' : traits.qkvBias ? 'qkv' : 'none'),
    unembedding: plain(config.tieWordEmbeddings ? 'tied' : 'untied'),
  };
}

/** The boxes each topic concerns (biases: see BIASED). */
const TOPIC_NODES: Record<DifferenceTopic, NodeId[]> = {
  position: ['posEmbed', 'rope', 'residual'],
  norm: ['ln1', 'ln2', 'lnFinal'],
  projection: ['qkv'],
  heads: ['qkv', 'weightedSum'],
  qkNorm: ['qkNorm'],
  mlp: ['mlp'],
  biases: ['qkv', 'outProj', 'mlp'],
  unembedding: ['unembed'],
};

/** The boxes whose linear maps add a bias, by variant: the two models differ only where one adds one and the other
 * does not. */
const BIASED: Record<string, NodeId[]> = { everywhere: ['qkv', 'outProj', 'mlp'], qkv: ['qkv'], none: [] };

/** The topics two models differ on, in the order the program meets them. */
export function architectureDifferences(a: Config, b: Config): ArchitectureDifference[] {
  const [left, right] = [variantsOf(a), variantsOf(b)];
  // A topic differs where the two run another variant; the same variant at another size (4 heads sharing 2 key/value
  // heads, or 16 sharing 8) is the same architecture: the sizes are shown beside each chart.
  return (Object.keys(TOPIC_NODES) as DifferenceTopic[])
    .filter((topic) => left[topic].variant !== right[topic].variant)
    .map((topic) => ({
      topic,
      nodes: topic === 'biases' ? symmetricDifference(BIASED[left.biases.variant]!, BIASED[right.biases.variant]!) : TOPIC_NODES[topic],
      sides: [left[topic], right[topic]],
    }));
}

function symmetricDifference(a: readonly NodeId[], b: readonly NodeId[]): NodeId[] {
  return [...a.filter((id) => !b.includes(id)), ...b.filter((id) => !a.includes(id))];
}

/** The boxes to mark in one model's chart: those of a topic the two differ on that this chart has. */
export function differingNodes(differences: readonly ArchitectureDifference[], nodes: readonly NodeId[]): NodeId[] {
  const present = new Set(nodes);
  return [...new Set(differences.flatMap((difference) => difference.nodes))].filter((id) => present.has(id));
}
