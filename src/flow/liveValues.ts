import type { Trace } from '../engine/trace';
import type { MiniViz } from '../../visualizations/miniViz';
import { i18n, type Translate } from '../i18n/index.svelte';
import { formatShape } from '../i18n/shapes';
import { NODE_SPECS, boxContext, frameContext } from './nodes';
import type { Frame } from './timeline';

export { shape, stepSpan, type StepSpan } from './nodes';

export interface LiveValues {
  /** The shape's sizes alone, as the chart's label beside the box has room for: `[7×160]`. */
  shape: string;
  /** The shape with its axes named in the page's language, as the label's tooltip. */
  title: string;
  mini: MiniViz | null;
}

/** The active box's live values for one frame, read from the Trace (no number is made up: each comes from a
 * captured tensor or a sampling decision). `head` picks the attention head shown. With `other` (a run B to
 * compare with), a vector's thumbnail shows B − A at the same position, and an attention map |B − A|; the others
 * stay A's. `t` names the shape's axes (the page's language unless given). */
export function liveValues(
  trace: Trace,
  frame: Frame,
  head: number,
  tokenLabel: (id: number) => string,
  other: Trace | null = null,
  t: Translate = i18n.t,
): LiveValues | null {
  const box = boxContext(frameContext(trace, frame, head, tokenLabel, false));
  const spec = NODE_SPECS[frame.node];
  if (!box || !spec.size) return null;
  const size = spec.size(box);
  const shape = formatShape(size, t, 'compact');
  const title = t('shape.title', { shape: formatShape(size, t) });
  const mine = spec.picture?.(box) ?? null;
  // B's rows at A's positions: the runs are aligned by position.
  const theirs = other && mine ? (spec.picture?.({ ...box, trace: other }) ?? null) : null;
  return difference(shape, title, mine, theirs) ?? { shape, title, mini: mine };
}

/** B − A of two thumbnails of the same kind and size, or null when they cannot be compared. */
function difference(shape: string, title: string, a: MiniViz | null, b: MiniViz | null): LiveValues | null {
  if (a?.kind === 'sparkline' && b?.kind === 'sparkline' && a.values.length === b.values.length && a.values.length > 0) {
    return { shape: `${shape} · B − A`, title, mini: { kind: 'sparkline', values: b.values.map((v, i) => v - a.values[i]!) } };
  }
  if (a?.kind === 'heatmap' && b?.kind === 'heatmap' && a.rows === b.rows && a.cols === b.cols) {
    return { shape: `${shape} · |B − A|`, title, mini: { ...a, values: b.values.map((v, i) => Math.abs(v - a.values[i]!)) } };
  }
  return null;
}
