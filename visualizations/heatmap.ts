import { select } from 'd3-selection';
import { RASTER_CELLS, rasterGrid } from './raster';
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

/** A cell's title: query → key and the full value. */
function describeCell(data: HeatmapData, i: number): string {
  const value = data.values[i]!;
  return `${data.rowLabels[Math.floor(i / data.cols)] ?? ''} → ${data.colLabels[i % data.cols] ?? ''}: ${Number.isFinite(value) ? value : '−∞'}`;
}

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
    cellsGroup.attr('transform', `translate(${LABEL_SPACE}, ${LABEL_SPACE})`);
    const bitmap = next.rows * next.cols > RASTER_CELLS
      ? rasterGrid(next.rows, next.cols, (i) => (Number.isFinite(next.values[i]!) ? color(next.values[i]!) : null))
      : null;
    if (bitmap) {
      // One image for a long input; the cell under the pointer names itself in the title, and clicks still select.
      cellsGroup.selectAll('rect').remove();
      // From the image's box on screen (not the SVG's CTM, which CSS scaling of an ancestor can throw off).
      const cellAt = (event: MouseEvent) => {
        const box = (event.currentTarget as Element).getBoundingClientRect();
        const row = Math.min(current.rows - 1, Math.max(0, Math.floor(((event.clientY - box.top) / box.height) * current.rows)));
        const col = Math.min(current.cols - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * current.cols)));
        return { row, col };
      };
      const image = cellsGroup.selectAll<SVGImageElement, null>('image').data([null]).join((enter) =>
        enter.append('image').attr('class', 'cells-image').attr('preserveAspectRatio', 'none').style('image-rendering', 'pixelated')
          .call((i) => i.append('title'))
          .on('mousemove', function (event: MouseEvent) {
            const { row, col } = cellAt(event);
            select(this).select('title').text(describeCell(current, row * current.cols + col));
          })
          .on('click', (event: MouseEvent) => {
            const { row, col } = cellAt(event);
            options.onCellClick?.(row, col);
          }));
      image.attr('href', bitmap).attr('width', next.cols * cell).attr('height', next.rows * cell);
    } else {
      cellsGroup.selectAll('image').remove();
      const cells = Array.from({ length: next.rows * next.cols }, (_, i) => i);
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
        .text((i) => describeCell(next, i));
    }
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
