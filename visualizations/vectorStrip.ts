import { select } from 'd3-selection';
import { drawLegend } from './legend';
import { divergingColor, fitLabel, maxAbs, textWidth, viewTextSize } from './scales';

export interface StripRow {
  label: string;
  values: ArrayLike<number>;
}

export interface VectorStripData {
  rows: StripRow[];
  /** Indices to outline in every row (e.g. the top neurons). */
  marked?: number[];
}

/** The label column: at least 120 px, as wide as the longest label at the views' type size (at most 45 % of the
 * picture; a longer label is cut with …, and is whole in each cell's title). */
const MIN_LABEL_WIDTH = 120;
/** Rows are 22 px tall, taller for larger type (the views' type size, see viewTextSize). */
const MIN_ROW_HEIGHT = 22;

/** Vectors as colour strips, one row each, on one shared diverging scale (so rows can be compared: token + position
 * = residual). Each cell's title holds its index and full value. */
export function renderVectorStrip(
  container: HTMLElement,
  data: VectorStripData,
  options: { title?: string; legendLabel?: string | null } = {},
) {
  const svg = select(container).append('svg').attr('class', 'vector-strip').attr('role', 'img');
  const title = svg.append('title');
  const rowsGroup = svg.append('g');
  const legend = svg.append('g').attr('class', 'legend');

  function update(next: VectorStripData, nextOptions = options) {
    const width = Math.max(260, container.clientWidth || 360);
    const length = next.rows[0]?.values.length ?? 0;
    const font = viewTextSize(container);
    const longest = Math.max(0, ...next.rows.map((row) => textWidth(row.label, font)));
    const LABEL_WIDTH = Math.round(Math.min(width * 0.45, Math.max(MIN_LABEL_WIDTH, longest + 12)));
    const cell = (width - LABEL_WIDTH - 4) / Math.max(1, length);
    const ROW_HEIGHT = Math.max(MIN_ROW_HEIGHT, Math.ceil(font * 1.75));
    const height = next.rows.length * ROW_HEIGHT + Math.max(30, Math.ceil(font * 1.5 + 12)) + (nextOptions.legendLabel ? font + 4 : 0);
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    title.text(nextOptions.title ?? '');
    const extent = Math.max(...next.rows.map((row) => maxAbs(row.values)), 1e-9);
    const color = divergingColor(extent);
    const marked = new Set(next.marked ?? []);
    const rows = rowsGroup
      .selectAll<SVGGElement, StripRow>('g.row')
      .data(next.rows)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'row');
        g.append('text').attr('class', 'row-label').attr('dy', '0.35em').attr('text-anchor', 'end');
        return g;
      });
    rows
      .select('text.row-label')
      .attr('x', LABEL_WIDTH - 6)
      .attr('y', ROW_HEIGHT / 2);
    rows.attr('transform', (_, i) => `translate(0, ${i * ROW_HEIGHT})`);
    rows.select('text.row-label').text((row) => fitLabel(row.label, LABEL_WIDTH - 8, font));
    rows.each(function (row) {
      select(this)
        .selectAll<SVGRectElement, number>('rect')
        .data(Array.from(row.values))
        .join((enter) => enter.append('rect').call((r) => r.append('title')))
        .attr('x', (_, i) => LABEL_WIDTH + i * cell)
        .attr('y', 2)
        .attr('width', Math.max(cell, 0.5))
        .attr('height', ROW_HEIGHT - 4)
        .attr('fill', (v) => color(v))
        .attr('class', (_, i) => (marked.has(i) ? 'marked' : null))
        .select('title')
        .text((v, i) => `${row.label} [${i}] = ${v}`);
    });
    legend.attr('transform', `translate(${LABEL_WIDTH}, ${next.rows.length * ROW_HEIGHT + 4})`);
    // (No wider than the strip it explains: in a narrow column with large type its default width runs past the edge.)
    drawLegend(legend, color, [-extent, extent], Math.min(160 * Math.max(1, font / 12), width - LABEL_WIDTH - 4), nextOptions.legendLabel);
  }

  update(data, options);
  return { update, destroy: () => svg.remove() };
}
