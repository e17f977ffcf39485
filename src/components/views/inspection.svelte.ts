import { NODE_SPECS, type NodeId, type ViewTab } from '../../flow/nodes';

export { VIEW_TABS, type ViewTab } from '../../flow/nodes';

/** The view that answers the question a box raises. */
export function tabForNode(node: NodeId): ViewTab {
  return NODE_SPECS[node].tab;
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
