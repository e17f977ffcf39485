import type { Selection } from 'd3-selection';
import { formatValue, viewTextSize } from './scales';

/** The height a legend takes at type size `font`: the colour bar and its numbers, and a line for its label. */
export function legendHeight(font: number, label?: string | null): number {
  return 2 * font + 10 + (label ? font + 4 : 0);
}

/** A colour legend with numbers at both ends and the middle: every colour scale shows one. Its width is in 12 px
 * units and grows with the views' type size (three numbers side by side need about 13 em). `label` (e.g. "B − A")
 * goes on a line under the numbers: what the colours measure. */
export function drawLegend(
  group: Selection<SVGGElement, unknown, null, undefined>,
  color: (value: number) => string,
  [min, max]: [number, number],
  width?: number,
  label?: string | null,
) {
  const svg = group.node()?.ownerSVGElement;
  const font = svg?.parentElement ? viewTextSize(svg.parentElement) : 12;
  width ??= 160 * Math.max(1, font / 12);
  group.selectAll('*').remove();
  const steps = 24;
  for (let i = 0; i < steps; i++) {
    const value = min + ((max - min) * (i + 0.5)) / steps;
    group
      .append('rect')
      .attr('x', (i * width) / steps)
      .attr('width', width / steps + 0.5)
      .attr('height', 8)
      .attr('fill', color(value));
  }
  const ticks: [number, number][] = [
    [0, min],
    [width / 2, (min + max) / 2],
    [width, max],
  ];
  group
    .selectAll('text')
    .data(ticks)
    .join('text')
    .attr('class', 'legend-tick')
    .attr('x', (d) => d[0])
    .attr('y', Math.round(8 + font))
    .attr('text-anchor', (_, i) => (i === 0 ? 'start' : i === 2 ? 'end' : 'middle'))
    .text((d) => formatValue(d[1]));
  if (label)
    group
      .append('text')
      .attr('class', 'legend-label')
      .attr('x', 0)
      .attr('y', Math.round(8 + 2 * font + 4))
      .text(label);
}
