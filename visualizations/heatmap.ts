import { select } from 'd3-selection';
import { RASTER_CELLS, rasterGrid } from './raster';
import { drawLegend, legendHeight } from './legend';
import { divergingColor, fitLabel, formatValue, maxAbs, probabilityColor, textWidth, verticalTextWidth, viewTextSize } from './scales';
import { tokenTextColor } from './colors';

export interface HeatmapData {
  rows: number;
  cols: number;
  /** Row-major values; −∞ (a masked score) or NaN (a cell not computed) is drawn as an empty, hatched cell. */
  values: ArrayLike<number>;
  /** What an empty cell's title says (default −∞: a masked score). */
  missing?: string;
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
  /** Largest cell, in pixels. */
  maxCell?: number;
  /** 1 (the default) fits the whole matrix to the container's width, however small its cells get; larger values
   * magnify it (the container then scrolls, keeping `focus` in view). */
  zoom?: number;
  /** The cell to keep in view when the matrix is larger than its container (the selected query and key). */
  focus?: { row: number; col: number } | null;
  /** What the colours measure, under the legend (e.g. "B − A"). */
  legendLabel?: string | null;
  /** The accessible name, in the page's language, around the strongest cell (`query → key value`); without it,
   * `title`, the size and the strongest cell in English. */
  name?: (strongest: string) => string;
}

/** Axis labels: monospace at the views' type size (12 px on the page), at most 7 em wide (longer ones are cut with
 * …; the whole label is in the title); labels closer than 1.25 em are thinned out (every k-th shown). */
const MAX_LABEL_EM = 7;
const LABEL_PITCH_EM = 1.25;

/** The cell size for `cols` columns in a container `width` px wide, with `labelSpace` px of labels beside them. */
export function heatmapCell(width: number, cols: number, labelSpace: number, zoom = 1, maxCell = 28): number {
  const fitted = Math.max(0.25, (Math.max(120, width) - labelSpace - 8) / Math.max(1, cols));
  return Math.min(maxCell, fitted * Math.max(1, zoom));
}

/** A cell's title: query → key and the full value. */
function describeCell(data: HeatmapData, i: number): string {
  const value = data.values[i]!;
  return `${data.rowLabels[Math.floor(i / data.cols)] ?? ''} → ${data.colLabels[i % data.cols] ?? ''}: ${Number.isFinite(value) ? value : (data.missing ?? '−∞')}`;
}

/** A matrix as coloured cells with token labels on both axes and a legend. Each cell's title holds its full value.
 * Large matrices keep a readable cell size and scroll (the container scrolls), rather than shrinking to dust. */
export function renderHeatmap(container: HTMLElement, data: HeatmapData, options: HeatmapOptions = {}) {
  const svg = select(container).append('svg').attr('class', 'heatmap').attr('role', 'img');
  const title = svg.append('title');
  const cellsGroup = svg.append('g').attr('class', 'cells');
  const outline = svg.append('rect').attr('class', 'row-outline').attr('fill', 'none');
  // The axis labels stay at the visible edges while a magnified matrix scrolls (like a spreadsheet's frozen
  // panes): each sits on a band of the panel's colour that moves with the scroll (data-sticky: downloads drop it).
  const rowSticky = svg.append('g').attr('data-sticky', 'x');
  const rowBand = rowSticky.append('rect').attr('class', 'label-band').style('fill', 'var(--panel, #fff)');
  const rowAxis = rowSticky.append('g').attr('class', 'row-labels');
  const colSticky = svg.append('g').attr('data-sticky', 'y');
  const colBand = colSticky.append('rect').attr('class', 'label-band').style('fill', 'var(--panel, #fff)');
  const colAxis = colSticky.append('g').attr('class', 'col-labels');
  const corner = svg.append('rect').attr('data-sticky', 'xy').attr('class', 'label-band').style('fill', 'var(--panel, #fff)');
  const legend = svg.append('g').attr('class', 'legend');
  const stick = () => {
    const left = container.scrollLeft;
    const top = container.scrollTop;
    rowSticky.attr('transform', left ? `translate(${left}, 0)` : null);
    colSticky.attr('transform', top ? `translate(0, ${top})` : null);
    corner.attr('transform', left || top ? `translate(${left}, ${top})` : null);
  };
  container.addEventListener('scroll', stick, { passive: true });

  let current = data;
  function update(next: HeatmapData, nextOptions: HeatmapOptions = options) {
    current = next;
    options = nextOptions;
    // The labels' space comes from the longest label (never wider than MAX_LABEL: longer ones are cut).
    const LABEL_FONT = viewTextSize(container);
    const LABEL_PITCH = LABEL_PITCH_EM * LABEL_FONT;
    const LEGEND_HEIGHT = legendHeight(LABEL_FONT, nextOptions.legendLabel);
    const longest = Math.max(
      16,
      ...next.rowLabels.map((label) => textWidth(label, LABEL_FONT)),
      ...next.colLabels.map((label) => verticalTextWidth(label, LABEL_FONT)),
    );
    const labelWidth = Math.min(MAX_LABEL_EM * LABEL_FONT, Math.ceil(longest));
    const LABEL_SPACE = labelWidth + 8;
    // The largest cell grows with the type (a projector's, a 4K screen's), so a short input is not a postage stamp.
    const maxCell = (nextOptions.maxCell ?? 28) * Math.max(1, LABEL_FONT / 12);
    const cell = heatmapCell(container.clientWidth || 360, next.cols, LABEL_SPACE, nextOptions.zoom ?? 1, maxCell);
    const k = Math.max(1, LABEL_FONT / 12);
    const legendWidth = Math.min(160 * k, Math.max(100 * k, next.cols * cell));
    const legendSpan = Math.max(legendWidth, nextOptions.legendLabel ? textWidth(nextOptions.legendLabel, LABEL_FONT) : 0) + 4;
    const width = Math.ceil(LABEL_SPACE + Math.max(next.cols * cell, legendSpan) + 8);
    const height = Math.ceil(LABEL_SPACE + next.rows * cell + LEGEND_HEIGHT);
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('data-cell', cell.toFixed(2));
    // The accessible name carries the key numbers: size and the strongest cell.
    // (From the first finite cell: an empty one, NaN, is never the strongest.)
    let strongest = Math.max(
      0,
      Array.prototype.findIndex.call(next.values, (value: number) => Number.isFinite(value)),
    );
    for (let i = strongest + 1; i < next.values.length; i++)
      if ((next.values[i] ?? -Infinity) > (next.values[strongest] ?? -Infinity)) strongest = i;
    const best = `${next.rowLabels[Math.floor(strongest / next.cols)] ?? ''} → ${next.colLabels[strongest % next.cols] ?? ''} ${formatValue(next.values[strongest] ?? NaN)}`;
    title.text(nextOptions.name ? nextOptions.name(best) : `${nextOptions.title ?? ''} [${next.rows} × ${next.cols}], max ${best}`);
    const extent = maxAbs(next.values);
    const color = next.scale === 'probability' ? probabilityColor : divergingColor(extent);
    cellsGroup.attr('transform', `translate(${LABEL_SPACE}, ${LABEL_SPACE})`);
    const bitmap =
      next.rows * next.cols > RASTER_CELLS
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
      const image = cellsGroup
        .selectAll<SVGImageElement, null>('image')
        .data([null])
        .join((enter) =>
          enter
            .append('image')
            .attr('class', 'cells-image')
            .attr('preserveAspectRatio', 'none')
            .style('image-rendering', 'pixelated')
            .call((i) => i.append('title'))
            .on('mousemove', function (event: MouseEvent) {
              const { row, col } = cellAt(event);
              select(this)
                .select('title')
                .text(describeCell(current, row * current.cols + col));
            })
            .on('click', (event: MouseEvent) => {
              const { row, col } = cellAt(event);
              options.onCellClick?.(row, col);
            }),
        );
      image
        .attr('href', bitmap)
        .attr('width', next.cols * cell)
        .attr('height', next.rows * cell);
    } else {
      cellsGroup.selectAll('image').remove();
      const cells = Array.from({ length: next.rows * next.cols }, (_, i) => i);
      cellsGroup
        .selectAll<SVGRectElement, number>('rect')
        .data(cells)
        .join((enter) =>
          enter
            .append('rect')
            .on('click', (_, i) => options.onCellClick?.(Math.floor(i / current.cols), i % current.cols))
            .call((r) => r.append('title')),
        )
        .attr('x', (i) => (i % next.cols) * cell)
        .attr('y', (i) => Math.floor(i / next.cols) * cell)
        .attr('width', cell > 10 ? cell - 1 : cell)
        .attr('height', cell > 10 ? cell - 1 : cell)
        .attr('class', (i) => (Number.isFinite(next.values[i]!) ? 'cell' : 'cell masked'))
        .attr('fill', (i) => (Number.isFinite(next.values[i]!) ? color(next.values[i]!) : 'url(#masked)'))
        .select('title')
        .text((i) => describeCell(next, i));
    }
    // Every label that has room; where cells are smaller than a line of text, every k-th, plus the inspected
    // row's and column's (the others are named in each cell's title, on hover).
    const every = Math.max(1, Math.ceil(LABEL_PITCH / cell));
    const focus = nextOptions.focus ?? null;
    const shown = (i: number, marked: number | null | undefined) =>
      i === marked || (i % every === 0 && (marked == null || Math.abs(i - marked) * cell >= LABEL_PITCH));
    const axisLabels = (labels: string[], marked: number | null | undefined, measure = textWidth) =>
      labels.map((label, i) => ({ label, i, text: fitLabel(label, labelWidth, LABEL_FONT, measure) })).filter((d) => shown(d.i, marked));
    const rowMarked = next.highlightRow ?? focus?.row;
    rowAxis
      .attr('transform', `translate(${LABEL_SPACE - 4}, ${LABEL_SPACE})`)
      .selectAll<SVGTextElement, { label: string; i: number; text: string }>('text')
      .data(axisLabels(next.rowLabels, rowMarked), (d) => String(d.i))
      .join((enter) => enter.append('text'))
      .attr('y', (d) => d.i * cell + cell / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .classed('marked', (d) => d.i === rowMarked)
      .attr('fill', (d) => tokenTextColor(d.i))
      .text((d) => d.text)
      .call((t) => t.append('title').text((d) => d.label));
    // Column labels are set vertically, top to bottom, ending at the matrix, so they never run past its right edge:
    // Chinese and Japanese characters stand upright, as in vertical CJK type (turned sideways they are hard to
    // read), Latin letters lie on their side (writing-mode vertical-rl, mixed orientation; an attribute, so a
    // downloaded SVG keeps it).
    colAxis
      .attr('transform', `translate(${LABEL_SPACE}, ${LABEL_SPACE - 4})`)
      .selectAll<SVGTextElement, { label: string; i: number; text: string }>('text')
      .data(axisLabels(next.colLabels, focus?.col, verticalTextWidth), (d) => String(d.i))
      .join((enter) => enter.append('text').attr('writing-mode', 'vertical-rl').attr('text-anchor', 'end'))
      .attr('x', (d) => d.i * cell + cell / 2)
      .attr('y', 0)
      .classed('marked', (d) => d.i === focus?.col)
      .attr('fill', (d) => tokenTextColor(d.i))
      .text((d) => d.text)
      .call((t) => t.append('title').text((d) => d.label));
    // The bands cover what scrolls under the labels (only a magnified matrix scrolls).
    rowBand
      .attr('x', 0)
      .attr('y', LABEL_SPACE)
      .attr('width', LABEL_SPACE - 1)
      .attr('height', next.rows * cell);
    colBand
      .attr('x', LABEL_SPACE)
      .attr('y', 0)
      .attr('width', next.cols * cell)
      .attr('height', LABEL_SPACE - 1);
    corner
      .attr('x', 0)
      .attr('y', 0)
      .attr('width', LABEL_SPACE - 1)
      .attr('height', LABEL_SPACE - 1);
    const row = next.highlightRow;
    outline
      .attr('display', row == null ? 'none' : null)
      .attr('x', LABEL_SPACE - 1)
      .attr('y', LABEL_SPACE + (row ?? 0) * cell - 1)
      .attr('width', next.cols * cell + 1)
      .attr('height', cell + 1);
    legend.attr('transform', `translate(${LABEL_SPACE}, ${LABEL_SPACE + next.rows * cell + 8})`);
    drawLegend(legend, color, next.scale === 'probability' ? [0, 1] : [-extent, extent], legendWidth, nextOptions.legendLabel);
    // A magnified matrix scrolls in its container: the inspected cell stays in view.
    if (focus && (container.scrollWidth > container.clientWidth + 1 || container.scrollHeight > container.clientHeight + 1)) {
      const x = LABEL_SPACE + focus.col * cell;
      const y = LABEL_SPACE + focus.row * cell;
      const margin = 3 * Math.max(cell, 8);
      if (x - margin < container.scrollLeft || x + cell + margin > container.scrollLeft + container.clientWidth)
        container.scrollLeft = Math.max(0, x - container.clientWidth / 2);
      if (y - margin < container.scrollTop || y + cell + margin > container.scrollTop + container.clientHeight)
        container.scrollTop = Math.max(0, y - container.clientHeight / 2);
    }
    stick();
  }

  // The hatch for masked (−∞) cells, so the causal mask is visible as a shape.
  const pattern = svg
    .append('defs')
    .append('pattern')
    .attr('id', 'masked')
    .attr('width', 6)
    .attr('height', 6)
    .attr('patternUnits', 'userSpaceOnUse');
  pattern.append('rect').attr('width', 6).attr('height', 6).attr('fill', '#f5f7fa');
  pattern.append('path').attr('d', 'M0,6 L6,0').attr('stroke', '#cbd2d9');

  update(data, options);
  return {
    update,
    destroy: () => {
      container.removeEventListener('scroll', stick);
      svg.remove();
    },
  };
}

export { formatValue };
