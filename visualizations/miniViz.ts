import type { Selection } from 'd3-selection';
import { scaleLinear } from 'd3-scale';
import { interpolateRdBu, interpolateBlues } from 'd3-scale-chromatic';
import { RASTER_CELLS, rasterGrid } from './raster';
import { fitLabel, textWidth as measure } from './scales';

/** The small live values drawn beside the active box of the flow chart. */
export type MiniViz =
  | { kind: 'sparkline'; values: number[] }
  | { kind: 'heatmap'; rows: number; cols: number; values: number[] }
  /** `title` names what the bars measure (e.g. the temperature of a softmax), drawn above them. */
  | { kind: 'bars'; items: { label: string; value: number; highlight?: boolean }[]; title?: string }
  | { kind: 'tokens'; items: { label: string; color: string }[] };

export const MINI_WIDTH = 96;
/** The chart draws these labels at 13 px (monospace). */
const FONT = 13;
const textWidth = (text: string) => measure(text, FONT);
const fitText = (text: string, width: number) => fitLabel(text, width, FONT);

/** `values` in at most `count` bars: consecutive runs of them, each drawn as its value of largest magnitude, so a
 * spike (a residual stream's outlier dimension) stays as tall as it is. */
export function peaks(values: readonly number[], count: number): number[] {
  if (values.length <= count) return [...values];
  const bars: number[] = [];
  for (let bar = 0; bar < count; bar++) {
    const from = Math.floor((bar * values.length) / count);
    const to = Math.floor(((bar + 1) * values.length) / count);
    let peak = values[from]!;
    for (let i = from + 1; i < to; i++) if (Math.abs(values[i]!) > Math.abs(peak)) peak = values[i]!;
    bars.push(peak);
  }
  return bars;
}

/** Draws `viz` into `group` (emptied first); returns the height used. Diverging values use one scale centred on 0
 * (red–blue), probabilities one sequential scale from 0 to 1 (blues), as everywhere in the app. */
export function drawMiniViz(group: Selection<SVGGElement, unknown, null, undefined>, viz: MiniViz): number {
  // Redrawn at every frame of the animation: a sparkline or heatmap updates its own elements in place (a new set
  // of rects per frame kept the main thread busy); the short lists are rebuilt.
  if (group.attr('data-kind') !== viz.kind || viz.kind === 'bars' || viz.kind === 'tokens') {
    group.selectAll('*').remove();
    group.attr('data-kind', viz.kind);
  }
  switch (viz.kind) {
    case 'sparkline': {
      const height = 26;
      // One bar per pixel at most: a 896-wide residual vector in 96 px was 896 rects updated every frame.
      const values = peaks(viz.values, MINI_WIDTH);
      const extent = Math.max(1e-9, ...values.map(Math.abs));
      const y = scaleLinear().domain([-extent, extent]).range([height, 0]);
      group
        .selectAll('line')
        .data([0])
        .join('line')
        .attr('x1', 0)
        .attr('x2', MINI_WIDTH)
        .attr('y1', y(0))
        .attr('y2', y(0))
        .attr('class', 'mini-axis');
      // Side by side across MINI_WIDTH: bar i from i × width.
      const barWidth = MINI_WIDTH / values.length;
      const x = (i: number) => i * barWidth;
      group
        .selectAll('rect')
        .data(values)
        .join('rect')
        .attr('x', (_, i) => x(i))
        .attr('width', barWidth)
        .attr('y', (v) => Math.min(y(v), y(0)))
        .attr('height', (v) => Math.abs(y(v) - y(0)))
        .attr('fill', (v) => interpolateRdBu(0.5 - (0.5 * v) / extent));
      return height;
    }
    case 'heatmap': {
      const cell = Math.max(1, Math.min(10, Math.floor(MINI_WIDTH / Math.max(viz.cols, 1)), Math.floor(64 / Math.max(viz.rows, 1))));
      const fill = (v: number) => interpolateBlues(Math.max(0, Math.min(1, v)));
      // Redrawn at every frame of the animation: a long input's pattern is one bitmap, not thousands of rects.
      const bitmap = viz.values.length > RASTER_CELLS / 4 ? rasterGrid(viz.rows, viz.cols, (i) => fill(viz.values[i]!)) : null;
      if (bitmap) {
        group.selectAll('rect').remove();
        group
          .selectAll('image')
          .data([0])
          .join('image')
          .attr('href', bitmap)
          .attr('width', viz.cols * cell)
          .attr('height', viz.rows * cell)
          .style('image-rendering', 'pixelated');
        return viz.rows * cell;
      }
      group.selectAll('image').remove();
      group
        .selectAll('rect')
        .data(viz.values)
        .join('rect')
        .attr('x', (_, i) => (i % viz.cols) * cell)
        .attr('y', (_, i) => Math.floor(i / viz.cols) * cell)
        .attr('width', cell)
        .attr('height', cell)
        .attr('fill', fill);
      return viz.rows * cell;
    }
    case 'bars': {
      const row = 17;
      const labelWidth = 50;
      const top = viz.title ? row : 0;
      if (viz.title)
        group
          .append('text')
          .attr('class', 'mini-label mini-title')
          .attr('y', row - 4)
          .text(fitText(viz.title, MINI_WIDTH))
          .append('title')
          .text(viz.title);
      const max = Math.max(1e-9, ...viz.items.map((item) => item.value));
      const rows = group
        .selectAll('g')
        .data(viz.items)
        .join('g')
        .attr('transform', (_, i) => `translate(0, ${top + i * row})`);
      rows
        .append('text')
        .attr('x', labelWidth)
        .attr('y', row - 4)
        .attr('text-anchor', 'end')
        .attr('class', 'mini-label')
        .text((item) => fitText(item.label, labelWidth))
        .append('title')
        .text((item) => item.label);
      rows
        .append('rect')
        .attr('x', labelWidth + 4)
        .attr('y', 3)
        .attr('height', row - 6)
        .attr('width', (item) => Math.max(1, (item.value / max) * (MINI_WIDTH - labelWidth - 4)))
        .attr('fill', (item) => (item.highlight ? '#e15759' : '#9aa5b1'));
      return top + viz.items.length * row;
    }
    case 'tokens': {
      let x = 0;
      let y = 0;
      for (const item of viz.items) {
        const label = fitText(item.label, MINI_WIDTH - 10);
        const width = Math.min(MINI_WIDTH, 10 + textWidth(label));
        if (x + width > MINI_WIDTH && x > 0) {
          x = 0;
          y += 21;
        }
        const chip = group.append('g').attr('transform', `translate(${x}, ${y})`);
        chip
          .append('rect')
          .attr('width', width - 2)
          .attr('height', 19)
          .attr('rx', 3)
          .attr('fill', 'none')
          .attr('stroke', item.color);
        chip.append('text').attr('x', 4).attr('y', 14).attr('class', 'mini-label').text(label).append('title').text(item.label);
        x += width;
      }
      return y + 21;
    }
  }
}
