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
 * captured tensor or a sampling decision). `head` picks the attention head shown. With `other` (a run B to
 * compare with), a vector's thumbnail shows B − A at the same position, and an attention map |B − A|; the others
 * stay A's. */
export function liveValues(trace: Trace, frame: Frame, head: number, tokenLabel: (id: number) => string, other: Trace | null = null): LiveValues | null {
  const box = boxContext(frameContext(trace, frame, head, tokenLabel, false));
  const spec = NODE_SPECS[frame.node];
  if (!box || !spec.size) return null;
  const shape = spec.size(box);
  const mine = spec.picture?.(box) ?? null;
  // B's rows at A's positions: the runs are aligned by position.
  const theirs = other && mine ? spec.picture?.({ ...box, trace: other }) ?? null : null;
  return difference(shape, mine, theirs) ?? { shape, mini: mine };
}

/** B − A of two thumbnails of the same kind and size, or null when they cannot be compared. */
function difference(shape: string, a: MiniViz | null, b: MiniViz | null): LiveValues | null {
  if (a?.kind === 'sparkline' && b?.kind === 'sparkline' && a.values.length === b.values.length && a.values.length > 0) {
    return { shape: `${shape} · B − A`, mini: { kind: 'sparkline', values: b.values.map((v, i) => v - a.values[i]!) } };
  }
  if (a?.kind === 'heatmap' && b?.kind === 'heatmap' && a.rows === b.rows && a.cols === b.cols) {
    return { shape: `${shape} · |B − A|`, mini: { ...a, values: b.values.map((v, i) => Math.abs(v - a.values[i]!)) } };
  }
  return null;
}
