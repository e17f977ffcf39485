/** Positions for a program flow chart drawn in two columns: the left column runs the steps before the layer loop
 * and, below them, the steps after it; the right column holds the layer loop. The token loop climbs back up the
 * left edge, the layer loop up the right edge, as in a hand-drawn program flowchart. */
export interface LayoutNode {
  id: string;
  shape: 'terminal' | 'step' | 'decision';
  column: 'left' | 'right';
  /** Extra space below this node (where the edges to and from the other column run). */
  gapAfter?: number;
}

export interface PlacedNode extends LayoutNode {
  x: number;
  y: number;
  width: number;
  height: number;
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

export function placeNodes(nodes: LayoutNode[], metrics: LayoutMetrics = DEFAULT_METRICS) {
  const { nodeWidth, rowHeight, gap, annotationWidth, lane, padding } = metrics;
  const columnX = { left: padding + lane, right: padding + lane + nodeWidth + annotationWidth + lane };
  const nextY = { left: padding, right: padding + rowHeight + gap };
  const placed: PlacedNode[] = [];
  for (const node of nodes) {
    const height = node.shape === 'decision' ? rowHeight + 14 : rowHeight;
    placed.push({ ...node, x: columnX[node.column], y: nextY[node.column], width: nodeWidth, height });
    nextY[node.column] += height + gap + (node.gapAfter ?? 0);
  }
  const width = columnX.right + nodeWidth + annotationWidth + lane + padding;
  const height = Math.max(nextY.left, nextY.right) + padding;
  return { nodes: placed, width, height };
}

export type Point = [number, number];

/** An edge's polyline between two placed nodes. Same column: straight down. Loops: out of the decision's side,
 * up the outer lane, into the target. Across columns: through the lane between the columns and the space
 * below the left column's last step before the loop (`gapAfter`). */
export function edgeRoute(from: PlacedNode, to: PlacedNode, loop: 'layer' | 'token' | undefined, metrics: LayoutMetrics = DEFAULT_METRICS): Point[] {
  const cx = (n: PlacedNode) => n.x + n.width / 2;
  const cy = (n: PlacedNode) => n.y + n.height / 2;
  const above = (n: PlacedNode) => n.y - metrics.gap / 2;
  if (loop === 'token') {
    const laneX = from.x - metrics.lane / 2;
    return [[from.x, cy(from)], [laneX, cy(from)], [laneX, cy(to)], [to.x, cy(to)]];
  }
  if (loop === 'layer') {
    const laneX = from.x + from.width + metrics.annotationWidth + metrics.lane / 2;
    return [[from.x + from.width, cy(from)], [laneX, cy(from)], [laneX, above(to)], [cx(to), above(to)], [cx(to), to.y]];
  }
  if (from.column === to.column) return [[cx(from), from.y + from.height], [cx(to), to.y]];
  const middleLane = (left: PlacedNode) => left.x + left.width + metrics.annotationWidth + metrics.lane / 2;
  if (from.column === 'left') {
    // the last step before the loop → the loop's first box: down into the gap, right to the middle lane, up, in.
    const gapY = from.y + from.height + metrics.gap;
    return [[cx(from), from.y + from.height], [cx(from), gapY], [middleLane(from), gapY], [middleLane(from), above(to)], [cx(to), above(to)], [cx(to), to.y]];
  }
  // the loop's decision, "no" → the first step after the loop: down, left to the middle lane, to the gap, in.
  const belowY = from.y + from.height + metrics.gap / 2;
  const gapY = to.y - metrics.gap;
  return [[cx(from), from.y + from.height], [cx(from), belowY], [middleLane(to), belowY], [middleLane(to), gapY], [cx(to) + 16, gapY], [cx(to) + 16, to.y]];
}
