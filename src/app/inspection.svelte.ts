import { NODE_SPECS, type NodeId, type ViewTab } from '../flow/nodes';
import type { Frame } from '../flow/timeline';
import type { Trace } from '../engine/trace';

export { VIEW_TABS, type ViewTab } from '../flow/nodes';

/** The view that answers the question a box raises. */
export function tabForNode(node: NodeId): ViewTab {
  return NODE_SPECS[node].tab;
}

/** What the learner is looking at in the detail views: one layer, one head, one query position (and key). */
export class Inspection {
  tab = $state<ViewTab>('attention');
  layer = $state(0);
  head = $state(0);
  /** null follows the inspected step's newest position (or the newest of all, with no step). */
  position = $state<number | null>(null);
  key = $state<number | null>(null);
  /** null follows the newest step. */
  step = $state<number | null>(null);

  /** The position inspected among `n` computed ones: the chosen one; else the inspected step's newest position,
   * the one a chart box's detail shows at that step; else the newest. Never past the end. */
  positionIn(trace: Pick<Trace, 'steps'>, n: number): number {
    const stepPosition = this.step === null ? undefined : trace.steps[this.step]?.position;
    return Math.min(this.position ?? stepPosition ?? n - 1, n - 1);
  }

  /** Points the views at a chart box as its detail shows it: the box's view, the layer playing (a box of the layer
   * loop seen from outside the loop: the last layer), the frame's step and that step's newest position. */
  follow(node: NodeId, frame: Pick<Frame, 'layer' | 'step'>, nLayer: number): void {
    this.tab = tabForNode(node);
    const layer = frame.layer ?? (NODE_SPECS[node].region === 'layer' ? nLayer - 1 : null);
    if (layer !== null) this.layer = layer;
    this.step = frame.step;
    this.position = null;
    this.key = null;
  }
}
