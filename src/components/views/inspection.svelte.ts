import type { NodeId } from '../../flow/chart';

export type ViewTab = 'tokens' | 'tokenizers' | 'embedding' | 'attention' | 'mlp' | 'lens' | 'sampling';
export const VIEW_TABS: ViewTab[] = ['tokens', 'tokenizers', 'embedding', 'attention', 'mlp', 'lens', 'sampling'];

/** The view that answers the question a box raises. */
export function tabForNode(node: NodeId): ViewTab {
  if (node === 'start' || node === 'input' || node === 'tokenize') return 'tokens';
  if (node === 'embed' || node === 'posEmbed' || node === 'residual') return 'embedding';
  if (['ln1', 'qkv', 'qkNorm', 'rope', 'scores', 'mask', 'softmax', 'weightedSum', 'outProj', 'residAdd1'].includes(node)) return 'attention';
  if (['ln2', 'mlp', 'residAdd2'].includes(node)) return 'mlp';
  if (['moreLayers', 'lnFinal', 'unembed'].includes(node)) return 'lens';
  return 'sampling';
}

/** What the learner is looking at in the detail views: one layer, one head, one query position (and key). */
export class Inspection {
  tab = $state<ViewTab>('attention');
  layer = $state(0);
  head = $state(0);
  /** null follows the newest position. */
  position = $state<number | null>(null);
  key = $state<number | null>(null);
  /** null follows the newest step. */
  step = $state<number | null>(null);

  /** The position inspected among `n` computed ones: the chosen one, or the newest; never past the end. */
  positionIn(n: number): number {
    return Math.min(this.position ?? n - 1, n - 1);
  }
}
