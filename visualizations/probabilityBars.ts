import { select } from 'd3-selection';
import { scaleLinear } from 'd3-scale';
import { tokenColor } from './colors';
import { fitLabel, percentText, viewTextSize } from './scales';

export interface ProbabilityBar {
  id: number;
  label: string;
  probability: number;
  chosen: boolean;
}

export interface ProbabilityBarsData {
  bars: ProbabilityBar[];
  /** Colour of the chosen bar: the colour its token will have at its position. */
  chosenPosition: number;
}

export interface ProbabilityBarsOptions {
  /** Formats a probability for the label beside each bar (3 significant digits by default). */
  format?: (probability: number) => string;
  /** Accessible name of the chart. */
  title?: string;
  /** A bar's tooltip, in the page's language (default: label · id · p = probability). */
  barTitle?: (bar: ProbabilityBar) => string;
}

/** Sizes at 12 px type; they grow with the views' type size (a projector's). */
const ROW = 26;
const LABEL_WIDTH = 120;
const VALUE_WIDTH = 64;

/** Horizontal bars, one per candidate token. Framework-free: render(container, data, options) → {update, destroy};
 * update re-joins rows by token id, so the DOM is reused rather than rebuilt. */
export function renderProbabilityBars(container: HTMLElement, data: ProbabilityBarsData, options: ProbabilityBarsOptions = {}) {
  const format = options.format ?? percentText;
  const svg = select(container).append('svg').attr('class', 'probability-bars').attr('role', 'img');
  const title = svg.append('title');

  function update(next: ProbabilityBarsData, nextOptions: ProbabilityBarsOptions = options) {
    const font = viewTextSize(container);
    const k = Math.max(1, font / 12);
    const [ROW_, LABEL, VALUE] = [Math.round(ROW * k), Math.round(LABEL_WIDTH * k), Math.round(VALUE_WIDTH * k)];
    const width = Math.max(240, container.clientWidth || 320);
    const barWidth = Math.max(40, width - LABEL - VALUE);
    const x = scaleLinear()
      .domain([0, Math.max(1e-9, ...next.bars.map((bar) => bar.probability))])
      .range([0, barWidth]);
    svg
      .attr('width', width)
      .attr('height', next.bars.length * ROW_)
      .attr('viewBox', `0 0 ${width} ${next.bars.length * ROW_}`);
    title.text(nextOptions.title ?? '');
    const rows = svg
      .selectAll<SVGGElement, ProbabilityBar>('g.bar')
      .data(next.bars, (bar) => String(bar.id))
      .join((enter) => {
        const row = enter.append('g').attr('class', 'bar');
        row.append('text').attr('class', 'label').attr('dy', '0.35em').attr('text-anchor', 'end');
        row.append('rect').attr('y', 4).attr('rx', 3);
        row.append('text').attr('class', 'value').attr('dy', '0.35em');
        row.append('title');
        return row;
      });
    rows.attr('transform', (_, i) => `translate(0, ${i * ROW_})`).classed('chosen', (bar) => bar.chosen);
    // A label longer than its column is cut with … (the whole one is in the row's title).
    rows
      .select('text.label')
      .attr('x', LABEL - 8)
      .attr('y', ROW_ / 2)
      .text((bar) => fitLabel(bar.label, LABEL - 10, font));
    rows
      .select('rect')
      .attr('x', LABEL)
      .attr('height', ROW_ - 8)
      .attr('width', (bar) => Math.max(1, x(bar.probability)))
      .attr('fill', (bar) => (bar.chosen ? tokenColor(next.chosenPosition) : 'var(--bar-color, #9aa5b1)'));
    rows
      .select('text.value')
      .attr('y', ROW_ / 2)
      .attr('x', (bar) => LABEL + x(bar.probability) + 6)
      .text((bar) => format(bar.probability));
    rows.select('title').text((bar) => nextOptions.barTitle?.(bar) ?? `${bar.label} · id ${bar.id} · p = ${bar.probability}`);
  }

  update(data, options);
  return { update, destroy: () => svg.remove() };
}
