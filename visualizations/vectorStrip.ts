import { select } from 'd3-selection';
import { drawLegend } from './legend';
import { divergingColor, maxAbs } from './scales';

export interface StripRow {
  label: string;
  values: ArrayLike<number>;
}

export interface VectorStripData {
  rows: StripRow[];
  /** Indices to outline in every row (e.g. the top neurons). */
  marked?: number[];
}

const LABEL_WIDTH = 120;
const ROW_HEIGHT = 22;

/** Vectors as colour strips, one row each, on one shared diverging scale (so rows can be compared: token + position
 * = residual). Each cell's title holds its index and full value. */
export function renderVectorStrip(container: HTMLElement, data: VectorStripData, options: { title?: string } = {}) {
  const svg = select(container).append('svg').attr('class', 'vector-strip').attr('role', 'img');
  const title = svg.append('title');
  const rowsGroup = svg.append('g');
  const legend = svg.append('g').attr('class', 'legend');

  function update(next: VectorStripData, nextOptions = options) {
    const width = Math.max(260, container.clientWidth || 360);
    const length = next.rows[0]?.values.length ?? 0;
    const cell = (width - LABEL_WIDTH - 4) / Math.max(1, length);
    const height = next.rows.length * ROW_HEIGHT + 30;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    title.text(nextOptions.title ?? '');
    const extent = Math.max(...next.rows.map((row) => maxAbs(row.values)), 1e-9);
    const color = divergingColor(extent);
    const marked = new Set(next.marked ?? []);
    const rows = rowsGroup.selectAll<SVGGElement, StripRow>('g.row').data(next.rows).join((enter) => {
      const g = enter.append('g').attr('class', 'row');
      g.append('text').attr('class', 'row-label').attr('x', LABEL_WIDTH - 6).attr('y', ROW_HEIGHT / 2).attr('dy', '0.35em').attr('text-anchor', 'end');
      return g;
    });
    rows.attr('transform', (_, i) => `translate(0, ${i * ROW_HEIGHT})`);
    rows.select('text.row-label').text((row) => row.label);
    rows.each(function (row) {
      select(this).selectAll<SVGRectElement, number>('rect').data(Array.from(row.values)).join((enter) => enter.append('rect').call((r) => r.append('title')))
        .attr('x', (_, i) => LABEL_WIDTH + i * cell).attr('y', 2).attr('width', Math.max(cell, 0.5)).attr('height', ROW_HEIGHT - 4)
        .attr('fill', (v) => color(v)).attr('class', (_, i) => (marked.has(i) ? 'marked' : null))
        .select('title').text((v, i) => `${row.label} [${i}] = ${v}`);
    });
    legend.attr('transform', `translate(${LABEL_WIDTH}, ${next.rows.length * ROW_HEIGHT + 4})`);
    drawLegend(legend, color, [-extent, extent]);
  }

  update(data, options);
  return { update, destroy: () => svg.remove() };
}
