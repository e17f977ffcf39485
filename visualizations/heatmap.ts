import { select } from 'd3-selection';
import { drawLegend } from './legend';
import { divergingColor, formatValue, maxAbs, probabilityColor, shortLabel } from './scales';
import { tokenTextColor } from './colors';

export interface HeatmapData {
  rows: number;
  cols: number;
  /** Row-major values; −∞ (a masked score) is drawn as an empty, hatched cell. */
  values: ArrayLike<number>;
  rowLabels: string[];
  colLabels: string[];
  /** Probabilities (0…1, sequential) or signed values (diverging around 0). */
  scale: 'probability' | 'diverging';
  /** A row to outline (the query being inspected). */
  highlightRow?: number | null;
}

export interface HeatmapOptions {
  title?: string;
  onCellClick?: (row: number, col: number) => void;
  /** Largest cell, in pixels; cells shrink to fit many tokens but never below `minCell`. */
  maxCell?: number;
  minCell?: number;
}

const LABEL_SPACE = 64;

/** A matrix as coloured cells with token labels on both axes and a legend. Each cell's title holds its full value.
 * Large matrices keep a readable cell size and scroll (the container scrolls), rather than shrinking to dust. */
export function renderHeatmap(container: HTMLElement, data: HeatmapData, options: HeatmapOptions = {}) {
  const svg = select(container).append('svg').attr('class', 'heatmap').attr('role', 'img');
  const title = svg.append('title');
  const cellsGroup = svg.append('g').attr('class', 'cells');
  const rowAxis = svg.append('g').attr('class', 'row-labels');
  const colAxis = svg.append('g').attr('class', 'col-labels');
  const outline = svg.append('rect').attr('class', 'row-outline').attr('fill', 'none');
  const legend = svg.append('g').attr('class', 'legend');

  let current = data;
  function update(next: HeatmapData, nextOptions: HeatmapOptions = options) {
    current = next;
    options = nextOptions;
    const maxCell = nextOptions.maxCell ?? 28;
    const minCell = nextOptions.minCell ?? 8;
    const available = Math.max(120, (container.clientWidth || 360) - LABEL_SPACE - 8);
    const cell = Math.max(minCell, Math.min(maxCell, Math.floor(available / Math.max(1, next.cols))));
    const width = LABEL_SPACE + next.cols * cell + 8;
    const height = LABEL_SPACE + next.rows * cell + 34;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    // The accessible name carries the key numbers: size and the strongest cell.
    let strongest = 0;
    for (let i = 1; i < next.values.length; i++) if ((next.values[i] ?? -Infinity) > (next.values[strongest] ?? -Infinity)) strongest = i;
    const best = `${next.rowLabels[Math.floor(strongest / next.cols)] ?? ''} → ${next.colLabels[strongest % next.cols] ?? ''} ${formatValue(next.values[strongest] ?? NaN)}`;
    title.text(`${nextOptions.title ?? ''} [${next.rows} × ${next.cols}], max ${best}`);
    const extent = maxAbs(next.values);
    const color = next.scale === 'probability' ? probabilityColor : divergingColor(extent);
    const cells = Array.from({ length: next.rows * next.cols }, (_, i) => i);
    cellsGroup.attr('transform', `translate(${LABEL_SPACE}, ${LABEL_SPACE})`);
    cellsGroup
      .selectAll<SVGRectElement, number>('rect')
      .data(cells)
      .join((enter) => enter.append('rect').on('click', (_, i) => options.onCellClick?.(Math.floor(i / current.cols), i % current.cols)).call((r) => r.append('title')))
      .attr('x', (i) => (i % next.cols) * cell)
      .attr('y', (i) => Math.floor(i / next.cols) * cell)
      .attr('width', cell - (cell > 10 ? 1 : 0))
      .attr('height', cell - (cell > 10 ? 1 : 0))
      .attr('class', (i) => (Number.isFinite(next.values[i]!) ? 'cell' : 'cell masked'))
      .attr('fill', (i) => (Number.isFinite(next.values[i]!) ? color(next.values[i]!) : 'url(#masked)'))
      .select('title')
      .text((i) => `${next.rowLabels[Math.floor(i / next.cols)] ?? ''} → ${next.colLabels[i % next.cols] ?? ''}: ${Number.isFinite(next.values[i]!) ? next.values[i] : '−∞'}`);
    const every = Math.max(1, Math.ceil(12 / cell));
    rowAxis.attr('transform', `translate(${LABEL_SPACE - 4}, ${LABEL_SPACE})`).selectAll('text')
      .data(next.rowLabels.map((label, i) => ({ label, i })).filter((d) => d.i % every === 0))
      .join('text').attr('y', (d) => d.i * cell + cell / 2).attr('dy', '0.35em').attr('text-anchor', 'end')
      .attr('fill', (d) => tokenTextColor(d.i)).text((d) => shortLabel(d.label)).call((t) => t.append('title').text((d) => d.label));
    colAxis.attr('transform', `translate(${LABEL_SPACE}, ${LABEL_SPACE - 4})`).selectAll('text')
      .data(next.colLabels.map((label, i) => ({ label, i })).filter((d) => d.i % every === 0))
      .join('text').attr('transform', (d) => `translate(${d.i * cell + cell / 2}, 0) rotate(-60)`).attr('dy', '0.35em')
      .attr('fill', (d) => tokenTextColor(d.i)).text((d) => shortLabel(d.label)).call((t) => t.append('title').text((d) => d.label));
    const row = next.highlightRow;
    outline.attr('display', row == null ? 'none' : null).attr('x', LABEL_SPACE - 1).attr('y', LABEL_SPACE + (row ?? 0) * cell - 1)
      .attr('width', next.cols * cell + 1).attr('height', cell + 1);
    legend.attr('transform', `translate(${LABEL_SPACE}, ${LABEL_SPACE + next.rows * cell + 8})`);
    drawLegend(legend, color, next.scale === 'probability' ? [0, 1] : [-extent, extent], Math.min(160, Math.max(100, next.cols * cell)));
  }

  // The hatch for masked (−∞) cells, so the causal mask is visible as a shape.
  const pattern = svg.append('defs').append('pattern').attr('id', 'masked').attr('width', 6).attr('height', 6).attr('patternUnits', 'userSpaceOnUse');
  pattern.append('rect').attr('width', 6).attr('height', 6).attr('fill', '#f5f7fa');
  pattern.append('path').attr('d', 'M0,6 L6,0').attr('stroke', '#cbd2d9');

  update(data, options);
  return { update, destroy: () => svg.remove() };
}

export { formatValue };
