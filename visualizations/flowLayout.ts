/** Positions for the program flow chart, in one of three arrangements, so it fits the box it is drawn in:
 * - `two` (the classic one): the left column runs the steps before the layer loop and, below them, the steps after
 *   it; the right column holds the layer loop. The token loop climbs back up the left edge, the layer loop up the
 *   right edge, as in a hand-drawn program flowchart.
 * - `three` (wide, short boxes: projectors, large screens): before the loop, the loop, after the loop, side by side;
 *   the token loop runs back over the top of the chart.
 * - `one` (narrow boxes: phones): every step in one column, the layer loop up the right edge, the token loop up the
 *   left edge.
 * Each column keeps room beside its boxes for the active box's live values (`annotationWidth`). */
export interface LayoutNode {
  id: string;
  shape: 'terminal' | 'step' | 'decision';
  /** `right`: inside the layer loop; `left`: before or after it. */
  column: 'left' | 'right';
  /** Extra space below this node (where the edges to and from the other column run, in the `two` arrangement). */
  gapAfter?: number;
}

export type Arrangement = 'one' | 'two' | 'three';

export interface PlacedNode extends LayoutNode {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The column it is drawn in, from the left (0, 1 or 2). */
  slot: number;
}

export interface LayoutMetrics {
  nodeWidth: number;
  rowHeight: number;
  gap: number;
  annotationWidth: number;
  lane: number;
  padding: number;
}

export const DEFAULT_METRICS: LayoutMetrics = { nodeWidth: 178, rowHeight: 30, gap: 12, annotationWidth: 104, lane: 30, padding: 8 };
/** Narrower lanes and margins, for boxes that are just too narrow for the default. */
export const COMPACT_METRICS: LayoutMetrics = { ...DEFAULT_METRICS, annotationWidth: 100, lane: 24, padding: 4 };

export interface Layout {
  nodes: PlacedNode[];
  width: number;
  height: number;
  arrangement: Arrangement;
  metrics: LayoutMetrics;
}

/** The column each node goes to: before the loop, the loop, after the loop (`three`); the loop to the right (`two`). */
function slots(nodes: LayoutNode[], arrangement: Arrangement): number[] {
  if (arrangement === 'one') return nodes.map(() => 0);
  if (arrangement === 'two') return nodes.map((node) => (node.column === 'right' ? 1 : 0));
  const firstLoop = nodes.findIndex((node) => node.column === 'right');
  return nodes.map((node, i) => (node.column === 'right' ? 1 : firstLoop >= 0 && i > firstLoop ? 2 : 0));
}

/** x of each column: a lane, the boxes, their live values; `three` has two lanes between its loop and the column
 * after it (the layer loop climbs up one, the way out of the loop the other). */
function columnXs(arrangement: Arrangement, { nodeWidth, annotationWidth, lane, padding }: LayoutMetrics): number[] {
  const step = nodeWidth + annotationWidth + lane;
  if (arrangement === 'one') return [padding + lane];
  if (arrangement === 'two') return [padding + lane, padding + lane + step];
  return [padding + lane, padding + lane + step, padding + lane + 2 * step + lane];
}

export function placeNodes(nodes: LayoutNode[], metrics: LayoutMetrics = DEFAULT_METRICS, arrangement: Arrangement = 'two'): Layout {
  const { nodeWidth, rowHeight, gap, annotationWidth, lane, padding } = metrics;
  const xs = columnXs(arrangement, metrics);
  // `three`: a lane above the boxes, where the token loop runs back to the start.
  const top = arrangement === 'three' ? padding + lane : padding;
  // `two`: the loop starts one row down, beside the step that leads into it.
  const nextY = xs.map((_, slot) => (arrangement === 'two' && slot === 1 ? top + rowHeight + gap : top));
  const columnOf = slots(nodes, arrangement);
  const placed: PlacedNode[] = nodes.map((node, i) => {
    const slot = columnOf[i]!;
    const height = node.shape === 'decision' ? rowHeight + 14 : rowHeight;
    const y = nextY[slot]!;
    nextY[slot] = y + height + gap + (arrangement === 'two' ? (node.gapAfter ?? 0) : 0);
    return { ...node, x: xs[slot]!, y, width: nodeWidth, height, slot };
  });
  const width = xs[xs.length - 1]! + nodeWidth + annotationWidth + lane + padding;
  const height = Math.max(...nextY) + padding;
  return { nodes: placed, width, height, arrangement, metrics };
}

export type Point = [number, number];

/** An edge's polyline between two placed nodes. Same column: straight down. Loops: out of the decision's side,
 * up the outer lane, into the target. Across columns: through the lane between the columns (in `two`, through the
 * space below the left column's last step before the loop, `gapAfter`). */
export function edgeRoute(
  from: PlacedNode,
  to: PlacedNode,
  loop: 'layer' | 'token' | undefined,
  metrics: LayoutMetrics = DEFAULT_METRICS,
  arrangement: Arrangement = 'two',
): Point[] {
  const cx = (n: PlacedNode) => n.x + n.width / 2;
  const cy = (n: PlacedNode) => n.y + n.height / 2;
  const above = (n: PlacedNode) => n.y - metrics.gap / 2;
  /** The lane just right of a column's live values. */
  const laneRightOf = (n: PlacedNode) => n.x + n.width + metrics.annotationWidth + metrics.lane / 2;
  if (loop === 'token' && arrangement === 'three') {
    // Out of the right side, up the right edge, back over the top, down the left edge, into the target's side.
    const topY = metrics.padding + metrics.lane / 2;
    const leftX = to.x - metrics.lane / 2;
    return [
      [from.x + from.width, cy(from)],
      [laneRightOf(from), cy(from)],
      [laneRightOf(from), topY],
      [leftX, topY],
      [leftX, cy(to)],
      [to.x, cy(to)],
    ];
  }
  if (loop === 'token') {
    const laneX = from.x - metrics.lane / 2;
    return [
      [from.x, cy(from)],
      [laneX, cy(from)],
      [laneX, cy(to)],
      [to.x, cy(to)],
    ];
  }
  if (loop === 'layer') {
    const laneX = laneRightOf(from);
    return [
      [from.x + from.width, cy(from)],
      [laneX, cy(from)],
      [laneX, above(to)],
      [cx(to), above(to)],
      [cx(to), to.y],
    ];
  }
  if (from.slot === to.slot)
    return [
      [cx(from), from.y + from.height],
      [cx(to), to.y],
    ];
  if (from.slot < to.slot) {
    // Into the next column: down into the gap below, right to the lane before the target's column, up, in.
    const gapY = from.y + from.height + metrics.gap / 2 + (arrangement === 'two' ? metrics.gap / 2 : 0);
    const laneX = arrangement === 'three' && from.slot === 1 ? to.x - metrics.lane / 2 : laneRightOf(from);
    return [
      [cx(from), from.y + from.height],
      [cx(from), gapY],
      [laneX, gapY],
      [laneX, above(to)],
      [cx(to), above(to)],
      [cx(to), to.y],
    ];
  }
  // `two`: the loop's decision, "no" → the first step after the loop: down, left to the middle lane, to the gap, in.
  const belowY = from.y + from.height + metrics.gap / 2;
  const gapY = to.y - metrics.gap;
  return [
    [cx(from), from.y + from.height],
    [cx(from), belowY],
    [laneRightOf(to), belowY],
    [laneRightOf(to), gapY],
    [cx(to) + 16, gapY],
    [cx(to) + 16, to.y],
  ];
}

export interface FitTarget {
  /** The box's width and height, in CSS pixels. */
  width: number;
  height: number;
  /** Presentation: the whole chart must fit the height too. Otherwise the box scrolls down, never sideways. */
  fitHeight: boolean;
  /** The smallest scale allowed, so that text stays readable (13 px labels at 12/13 are 12 px). */
  minScale?: number;
  /** The largest scale, so a 4K screen does not get a chart of poster type. */
  maxScale?: number;
  /** A lecture hall: one column at `scale` (its labels as large as the slide wants), or as much smaller as the
   * box's width needs down to `minScale` (as large as the slide needs), scrolling with the active box, instead of
   * the arrangement that fits the box best. */
  projected?: { scale: number; minScale: number };
}

export interface Fit {
  layout: Layout;
  /** Drawn size = layout size × scale. */
  scale: number;
}

/** The arrangement and scale that fit `target`, for boxes `nodeWidth` wide (from their longest label).
 * Normal page: two or three columns when one of them fits the width at a readable scale (the larger scale wins),
 * else one column; it may grow to fill the width as long as it fits the height, never shrink to fit the height.
 * Presentation: whichever arrangement is largest when fitted to width and height alike. */
export function fitLayout(nodes: LayoutNode[], nodeWidth: number, target: FitTarget): Fit {
  if (target.projected) {
    const layout = placeNodes(nodes, { ...COMPACT_METRICS, nodeWidth }, 'one');
    return { layout, scale: Math.max(target.projected.minScale, Math.min(target.projected.scale, target.width / layout.width)) };
  }
  const minScale = target.minScale ?? 12 / 13;
  const maxScale = target.maxScale ?? 3;
  const candidates: Layout[] = [];
  for (const base of [DEFAULT_METRICS, COMPACT_METRICS]) {
    for (const arrangement of ['two', 'three', 'one'] as const) candidates.push(placeNodes(nodes, { ...base, nodeWidth }, arrangement));
  }
  const width = Math.max(1, target.width);
  const height = Math.max(1, target.height);
  const scaleOf = (layout: Layout) => {
    const byWidth = width / layout.width;
    const byHeight = height / layout.height;
    if (target.fitHeight) return Math.min(maxScale, byWidth, byHeight);
    return Math.min(maxScale, byWidth < 1 ? byWidth : Math.max(1, Math.min(byWidth, byHeight)));
  };
  const best = (layouts: Layout[]) =>
    layouts.reduce<Fit | null>((found, layout) => {
      const scale = scaleOf(layout);
      return !found || scale > found.scale + 1e-6 ? { layout, scale } : found;
    }, null);
  if (target.fitHeight) return best(candidates)!;
  const readable = candidates.filter((layout) => layout.arrangement !== 'one' && scaleOf(layout) >= minScale);
  if (readable.length > 0) return best(readable)!;
  const one = candidates.filter((layout) => layout.arrangement === 'one');
  return best(one.filter((layout) => scaleOf(layout) >= minScale)) ?? best(one)!;
}
