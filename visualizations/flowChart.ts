import { select } from 'd3-selection';
import { line } from 'd3-shape';
import 'd3-transition';
import { FAMILY_COLORS } from './familyColors';
import { drawMiniViz, MINI_WIDTH, type MiniViz } from './miniViz';
import {
  DEFAULT_METRICS,
  edgeRoute,
  fitLayout,
  placeNodes,
  type Fit,
  type FitTarget,
  type LayoutNode,
  type PlacedNode,
  type Point,
} from './flowLayout';

export interface FlowChartNode extends LayoutNode {
  family: string;
  label: string;
}

export interface FlowChartEdge {
  from: string;
  to: string;
  loop?: 'layer' | 'token';
  /** The decision's answer along this edge, already translated ("yes" / "是"). */
  answer?: string;
}

export interface FlowChartData {
  nodes: FlowChartNode[];
  edges: FlowChartEdge[];
  active: string | null;
  /** The box whose detail view is open. */
  selected?: string | null;
  /** Boxes drawn as differing from another chart beside this one (two architectures side by side). */
  marked?: readonly string[];
  /** Text beside a node whatever is active: the loop counters at the decisions. */
  counters: Record<string, string>;
  /** The active node's live values: the tensor's shape, short (`[7×128]`), with its axes named in `title` (the
   * label's tooltip: "Shape: [7 positions × 128 dims]"), and a small picture of them. */
  annotation: { shape: string; title?: string; mini: MiniViz | null } | null;
}

export interface FlowChartOptions {
  onSelect?: (id: string) => void;
  /** No moving dot and instant highlights (prefers-reduced-motion). */
  reducedMotion?: boolean;
  /** Accessible name of the chart. */
  title?: string;
  /** Milliseconds for the dot that carries the data along an edge. */
  duration?: number;
  /** The box to fit: the chart picks its arrangement (one, two or three columns) and scale for it. Without it, two
   * columns at their natural size. */
  fit?: FitTarget;
}

/** Box widths: room for the longest label (measured in the browser, estimated elsewhere), within these bounds. */
const MIN_NODE_WIDTH = 150;
const MAX_NODE_WIDTH = 260;
/** A diamond is only this fraction of its width wide where its label runs (its middle, one text line high). */
const DIAMOND_TEXT_FRACTION = 0.68;

/** A label's width at the chart's 13 px type where the browser cannot measure it (jsdom): CJK characters are
 * square, the rest about 0.57 em. */
function estimateWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]/.test(char) ? 13 : 7.4;
  return width;
}

const routeLine = line();

/** The program flow chart: boxes, diamonds, the two loops, the active box lit, live values beside it.
 * Framework-free; update() moves the highlight and the annotation without rebuilding the boxes. */
export function renderFlowChart(container: HTMLElement, data: FlowChartData, options: FlowChartOptions = {}) {
  const svg = select(container).append('svg').attr('class', 'flow-chart').attr('role', 'group');
  const title = svg.append('title');
  const defs = svg.append('defs');
  defs
    .append('marker')
    .attr('id', 'flow-arrow')
    .attr('viewBox', '0 0 10 10')
    .attr('refX', 9)
    .attr('refY', 5)
    .attr('markerWidth', 7)
    .attr('markerHeight', 7)
    .attr('orient', 'auto-start-reverse')
    .append('path')
    .attr('d', 'M0,0 L10,5 L0,10 z')
    .attr('class', 'arrow-head');
  const edgeLayer = svg.append('g').attr('class', 'edges');
  const nodeLayer = svg.append('g').attr('class', 'nodes');
  const counterLayer = svg.append('g').attr('class', 'counters');
  const annotation = svg.append('g').attr('class', 'annotation');
  const dot = svg.append('circle').attr('class', 'data-dot').attr('r', 5).attr('opacity', 0);
  let placed = new Map<string, PlacedNode>();
  /** Each edge's polyline, kept so the moving dot is placed by arithmetic (SVG length queries force a layout). */
  let routes = new Map<string, Point[]>();
  let previousActive: string | null = null;
  let structureKey = '';
  let fit: Fit | null = null;

  /** The width the boxes need for their labels: measured once the labels are in the page. */
  function neededNodeWidth(next: FlowChartData, labels: Map<string, SVGTextElement>): number {
    let needed = 0;
    for (const node of next.nodes) {
      const element = labels.get(node.id);
      const measured = typeof element?.getComputedTextLength === 'function' ? element.getComputedTextLength() : 0;
      const text = measured > 0 ? measured : estimateWidth(node.label);
      needed = Math.max(needed, node.shape === 'decision' ? text / DIAMOND_TEXT_FRACTION + 12 : text + 20);
    }
    return Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, Math.ceil(needed)));
  }

  function drawStructure(next: FlowChartData) {
    const nodes = nodeLayer
      .selectAll<SVGGElement, FlowChartNode>('g.node')
      .data(next.nodes, (n) => n.id)
      .join((enter) => {
        // (Its colour from the start: text is measured before the join ends, and a box first styled without it would
        // fade in from black.)
        const g = enter
          .append('g')
          .attr('class', 'node')
          .attr('tabindex', 0)
          .attr('role', 'button')
          .style('--family-color', (n) => FAMILY_COLORS[n.family] ?? '#999');
        g.append('path').attr('class', 'shape');
        g.append('text').attr('class', 'label').attr('text-anchor', 'middle').attr('dy', '0.35em');
        g.on('click', (_, n) => options.onSelect?.(n.id));
        g.on('keydown', (event: KeyboardEvent, n) => {
          // A box is a button: Enter and Space open it (Space would otherwise scroll the chart).
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            options.onSelect?.(n.id);
          }
        });
        return g;
      });
    nodes.select('text.label').text((n) => n.label);
    const labels = new Map<string, SVGTextElement>();
    nodes.each(function (n) {
      labels.set(n.id, this.querySelector('text.label') as SVGTextElement);
    });
    const nodeWidth = neededNodeWidth(next, labels);
    fit = options.fit
      ? fitLayout(next.nodes, nodeWidth, options.fit)
      : { layout: placeNodes(next.nodes, { ...DEFAULT_METRICS, nodeWidth }), scale: 1 };
    const { layout, scale } = fit;
    placed = new Map(layout.nodes.map((node) => [node.id, node]));
    svg
      .attr('width', Math.round(layout.width * scale))
      .attr('height', Math.round(layout.height * scale))
      .attr('viewBox', `0 0 ${layout.width} ${layout.height}`)
      .attr('data-arrangement', layout.arrangement)
      .attr('data-scale', scale.toFixed(3));

    const edges = edgeLayer
      .selectAll<SVGGElement, FlowChartEdge>('g.edge')
      .data(next.edges, (e) => `${e.from}>${e.to}`)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'edge');
        g.append('path').attr('marker-end', 'url(#flow-arrow)');
        g.append('text').attr('class', 'answer');
        return g;
      });
    edges.attr('data-edge', (e) => `${e.from}>${e.to}`).classed('loop', (e) => Boolean(e.loop));
    routes = new Map(
      next.edges.map((e) => [
        `${e.from}>${e.to}`,
        edgeRoute(placed.get(e.from)!, placed.get(e.to)!, e.loop, layout.metrics, layout.arrangement),
      ]),
    );
    edges.select('path').attr('d', (e) => routeLine(routes.get(`${e.from}>${e.to}`)!));
    edges
      .select('text.answer')
      .text((e) => e.answer ?? '')
      .each(function (e) {
        const route = routes.get(`${e.from}>${e.to}`)!;
        const [x0, y0] = route[0]!;
        const [x1, y1] = route[1]!;
        // Straight down out of a diamond: the answer sits beside the arrow, clear of the box below; out of its left
        // side: above the arrow.
        if (x0 === x1)
          select(this)
            .attr('x', x0 + 6)
            .attr('y', y0 + 9);
        // Out of the right side: below the arrow near the turn, clear of the counter drawn above it.
        else if (x1 > x0)
          select(this)
            .attr('x', x1 - 22)
            .attr('y', y1 + 15);
        else
          select(this)
            .attr('x', x1 + 4)
            .attr('y', y1 - 4);
      });

    nodes
      .attr('data-node', (n) => n.id)
      .attr('aria-label', (n) => n.label)
      .attr('transform', (n) => `translate(${placed.get(n.id)!.x}, ${placed.get(n.id)!.y})`)
      .style('--family-color', (n) => FAMILY_COLORS[n.family] ?? '#999');
    nodes.select('path.shape').attr('d', (n) => shapePath(placed.get(n.id)!));
    nodes
      .select('text.label')
      .attr('x', layout.metrics.nodeWidth / 2)
      .attr('y', (n) => placed.get(n.id)!.height / 2);
  }

  function update(next: FlowChartData, nextOptions: FlowChartOptions = options) {
    options = nextOptions;
    title.text(options.title ?? '');
    const key =
      next.nodes.map((n) => `${n.id}:${n.label}`).join('|') +
      next.edges.map((e) => e.answer ?? '').join('|') +
      JSON.stringify(options.fit ?? null);
    if (key !== structureKey) {
      drawStructure(next);
      structureKey = key;
    }
    nodeLayer
      .selectAll<SVGGElement, FlowChartNode>('g.node')
      .classed('active', (n) => n.id === next.active)
      .attr('aria-current', (n) => (n.id === next.active ? 'step' : null))
      .classed('selected', (n) => n.id === next.selected)
      .classed('differs', (n) => next.marked?.includes(n.id) ?? false);

    const counters = counterLayer
      .selectAll<SVGTextElement, [string, string]>('text')
      .data(Object.entries(next.counters), (d) => d[0])
      .join('text');
    counters
      .attr('class', 'counter')
      .attr('data-counter', (d) => d[0])
      .text((d) => d[1])
      .each(function ([id]) {
        const node = placed.get(id);
        if (node)
          select(this)
            .attr('x', node.x + node.width + 8)
            .attr('y', node.y + node.height / 2 - 8);
      });

    drawAnnotation(next);
    moveDot(next.active);
  }

  function drawAnnotation(next: FlowChartData) {
    const node = next.active ? placed.get(next.active) : undefined;
    if (!node || !next.annotation) {
      annotation.selectAll('*').remove();
      return;
    }
    const hasCounter = next.active! in next.counters;
    const top = node.y + (hasCounter ? node.height / 2 + 6 : 0);
    // The label and the mini view are updated in place, frame after frame (see drawMiniViz).
    annotation.attr('transform', `translate(${node.x + node.width + 8}, ${top})`);
    annotation
      .selectAll('title')
      .data(next.annotation.title ? [next.annotation.title] : [])
      .join('title')
      .text((title) => title);
    annotation.selectAll('text.shape-label').data([0]).join('text').attr('class', 'shape-label').attr('y', 11).text(next.annotation.shape);
    const mini = next.annotation.mini;
    const group = annotation
      .selectAll<SVGGElement, number>('g.mini')
      .data(mini ? [0] : [])
      .join('g')
      .attr('class', `mini mini-${mini?.kind ?? ''}`)
      .attr('transform', 'translate(0, 16)');
    if (mini) drawMiniViz(select(group.node()!), mini);
  }

  function moveDot(active: string | null) {
    const from = previousActive;
    previousActive = active;
    if (options.reducedMotion || !from || !active || from === active) return dot.attr('opacity', 0);
    const route = routes.get(`${from}>${active}`);
    if (!route) return dot.attr('opacity', 0);
    dot
      .interrupt()
      .attr('opacity', 1)
      .transition()
      .duration(options.duration ?? 220)
      .attrTween('transform', () => (t: number) => {
        const [x, y] = pointAlong(route, t);
        return `translate(${x}, ${y})`;
      })
      .on('end', () => dot.attr('opacity', 0));
  }

  update(data, options);
  return {
    update,
    destroy: () => svg.remove(),
    /** The box's position as drawn (scaled), so the page can scroll it into view. */
    nodeBox: (id: string) => {
      const node = placed.get(id);
      const scale = fit?.scale ?? 1;
      return node ? { x: node.x * scale, y: node.y * scale, width: node.width * scale, height: node.height * scale } : null;
    },
    /** The arrangement and scale in use. */
    fit: () => fit,
  };
}

/** The point a fraction `t` of the way along a polyline. */
export function pointAlong(route: Point[], t: number): Point {
  const lengths = route.slice(1).map((point, i) => Math.hypot(point[0] - route[i]![0], point[1] - route[i]![1]));
  let remaining = t * lengths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < lengths.length; i++) {
    if (remaining <= lengths[i]! || i === lengths.length - 1) {
      const f = lengths[i]! === 0 ? 0 : Math.min(1, remaining / lengths[i]!);
      return [route[i]![0] + f * (route[i + 1]![0] - route[i]![0]), route[i]![1] + f * (route[i + 1]![1] - route[i]![1])];
    }
    remaining -= lengths[i]!;
  }
  return route[0]!;
}

function shapePath(node: PlacedNode): string {
  const { width: w, height: h } = node;
  if (node.shape === 'decision') return `M${w / 2},0 L${w},${h / 2} L${w / 2},${h} L0,${h / 2} Z`;
  const r = node.shape === 'terminal' ? h / 2 : 5;
  return `M${r},0 H${w - r} A${r},${r} 0 0 1 ${w},${r} V${h - r} A${r},${r} 0 0 1 ${w - r},${h} H${r} A${r},${r} 0 0 1 0,${h - r} V${r} A${r},${r} 0 0 1 ${r},0 Z`;
}

export { MINI_WIDTH };
