import { select } from 'd3-selection';
import { tokenColor, tokenTextColor } from './colors';
import { fitLabel, viewTextSize } from './scales';

export interface ArcsData {
  /** Token labels, one per position. */
  labels: string[];
  /** The attention pattern of one head, [n × n] row-major (query × key). */
  pattern: ArrayLike<number>;
  /** The query whose lines are drawn strongest; with many tokens only its lines are drawn. */
  query: number;
}

export interface ArcsOptions {
  onQuery?: (query: number) => void;
  title?: string;
}

/** Labels are monospace at the views' type size (12 px on the page: rows 18 px apart); the two columns and the
 * space between share the container's width. */
export function arcsWidths(available: number, font = 12) {
  const width = Math.max(200, Math.min(360 * (font / 12), available));
  const gap = Math.round(Math.min(140, Math.max(60, width * 0.36)));
  const column = Math.floor((width - gap) / 2);
  return { column, gap, width: column * 2 + gap };
}
/** Above this many tokens, only the chosen query's lines are drawn (all lines would be unreadable). */
export const ALL_LINES_LIMIT = 32;

/** The head view: the tokens twice, keys on the left and queries on the right, joined by lines whose opacity is
 * the attention weight (as in BertViz). Click a token on the right to follow its query. */
export function renderAttentionArcs(container: HTMLElement, data: ArcsData, options: ArcsOptions = {}) {
  const svg = select(container).append('svg').attr('class', 'attention-arcs').attr('role', 'img');
  const title = svg.append('title');
  const lines = svg.append('g').attr('class', 'lines');
  const keys = svg.append('g').attr('class', 'keys');
  const queries = svg.append('g').attr('class', 'queries');

  function update(next: ArcsData, nextOptions: ArcsOptions = options) {
    options = nextOptions;
    const n = next.labels.length;
    const FONT = viewTextSize(container);
    const ROW = Math.round(FONT * 1.5);
    const { column: COLUMN_WIDTH, gap, width } = arcsWidths(container.clientWidth || 360, FONT);
    svg
      .attr('width', width)
      .attr('height', n * ROW + 8)
      .attr('viewBox', `0 0 ${width} ${n * ROW + 8}`);
    title.text(nextOptions.title ?? '');
    const drawn: { q: number; k: number; w: number }[] = [];
    for (let q = 0; q < n; q++) {
      if (n > ALL_LINES_LIMIT && q !== next.query) continue;
      for (let k = 0; k <= q; k++) {
        const w = next.pattern[q * n + k]!;
        if (w > 0.01) drawn.push({ q, k, w });
      }
    }
    lines
      .selectAll('line')
      .data(drawn)
      .join('line')
      .attr('x1', COLUMN_WIDTH + 4)
      .attr('y1', (d) => d.k * ROW + ROW / 2 + 4)
      .attr('x2', COLUMN_WIDTH + gap - 4)
      .attr('y2', (d) => d.q * ROW + ROW / 2 + 4)
      .attr('stroke', (d) => tokenColor(d.q))
      .attr('stroke-width', (d) => (d.q === next.query ? 3 : 1.5))
      .attr('stroke-opacity', (d) => (d.q === next.query ? d.w : d.w * 0.35))
      .attr('class', (d) => (d.q === next.query ? 'arc chosen' : 'arc'))
      .selectAll('title')
      .data((d) => [d])
      .join('title')
      .text((d) => `${next.labels[d.q]} → ${next.labels[d.k]}: ${d.w}`);
    const tokens = next.labels.map((text, i) => ({ text, i }));
    const label = (group: typeof keys, x: number, anchor: string, clickable: boolean) =>
      group
        .selectAll<SVGTextElement, { text: string; i: number }>('text')
        .data(tokens)
        .join('text')
        .attr('x', x)
        .attr('y', (d) => d.i * ROW + ROW / 2 + 4)
        .attr('dy', '0.35em')
        .attr('text-anchor', anchor)
        .attr('fill', (d) => tokenTextColor(d.i))
        .classed('chosen', (d) => clickable && d.i === next.query)
        .classed('clickable', clickable)
        .text((d) => fitLabel(d.text, COLUMN_WIDTH - 6, FONT));
    label(keys, COLUMN_WIDTH, 'end', false);
    label(queries, COLUMN_WIDTH + gap, 'start', true).on('click', (_: MouseEvent, d: { i: number }) => options.onQuery?.(d.i));
    // A long input scrolls in its container: the chosen query stays in view.
    if (container.scrollHeight > container.clientHeight + 1) {
      const y = next.query * ROW + 4;
      if (y - ROW < container.scrollTop || y + 2 * ROW > container.scrollTop + container.clientHeight)
        container.scrollTop = Math.max(0, y - container.clientHeight / 2);
    }
  }

  update(data, options);
  return { update, destroy: () => svg.remove() };
}
