import type { Trace } from '../engine/trace';
import type { MiniViz } from '../../visualizations/miniViz';
import { NODE_SPECS, boxContext, frameContext } from './nodes';
import type { Frame } from './timeline';

export { shape, stepSpan, type StepSpan } from './nodes';

export interface LiveValues {
  shape: string;
  mini: MiniViz | null;
}

/** The active box's live values for one frame, read from the Trace (no number is made up: each comes from a
 * captured tensor or a sampling decision). `head` picks the attention head shown. */
export function liveValues(trace: Trace, frame: Frame, head: number, tokenLabel: (id: number) => string): LiveValues | null {
  const box = boxContext(frameContext(trace, frame, head, tokenLabel, false));
  const spec = NODE_SPECS[frame.node];
  if (!box || !spec.size) return null;
  return { shape: spec.size(box), mini: spec.picture?.(box) ?? null };
}
