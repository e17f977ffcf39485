import { select } from 'd3-selection';
import { scaleLinear } from 'd3-scale';
import { tokenColor } from './colors';
import { formatValue, percentText, textWidth, viewTextSize, wrapLabel } from './scales';

export interface StageCandidate {
  id: number;
  label: string;
  logit: number;
  probability: number;
  scaledProbability: number;
  afterTopK: number;
  afterTopP: number;
}

export interface SamplingStagesData {
  candidates: StageCandidate[];
  chosenId: number;
  draw: number | null;
  /** Colour of the chosen token (its position's colour). */
  chosenPosition: number;
  /** Column headings, translated: logits, softmax, ÷T, top-k, top-p. */
  headings: [string, string, string, string, string];
}

/** Text is monospace at the views' type size (12 px on the page); lengths below are in 12 px units and grow with
 * it. A column is as wide as the container allows, between MIN_COLUMN and MAX_COLUMN (below the least, the
 * container scrolls sideways and says so). Below COMPACT_COLUMN a value is written over its bar instead of after it. */
const MIN_COLUMN = 44;
const COMPACT_COLUMN = 60;
const MAX_COLUMN = 110;
const ROW = 20;
/** Room a value needs after its bar ("12.3%", "−12.3", "✕"). */
const VALUE_SPACE = 40;

/** A probability as a percentage, 3 significant digits; a compact column keeps it to 5 characters ("<0.1%"). */
function percent(value: number, compact: boolean): string {
  const p = value * 100;
  if (!compact) return percentText(value);
  if (p >= 99.95) return '100%';
  if (p >= 10) return `${p.toFixed(1)}%`;
  if (p >= 0.1) return `${p.toFixed(2).slice(0, 4)}%`;
  return '<0.1%';
}

/** The table's widths in a container `available` px wide: the label column fits the longest label (at most 90 px). */
export function samplingWidths(available: number, labels: string[], font = 12) {
  const k = font / 12;
  const labelWidth = Math.round(
    Math.min((available < 400 * k ? 64 : 90) * k, Math.max(36 * k, ...labels.map((label) => textWidth(label, font) + 10))),
  );
  const column = Math.floor(Math.min(MAX_COLUMN * k, Math.max(MIN_COLUMN * k, (available - labelWidth - 8) / STAGES_COUNT)));
  return {
    labelWidth,
    column,
    width: labelWidth + column * STAGES_COUNT + 8,
    row: Math.round(ROW * k),
    compact: column < COMPACT_COLUMN * k,
    valueSpace: Math.round(VALUE_SPACE * k),
  };
}
const STAGES_COUNT = 5;
const STAGES = ['logit', 'probability', 'scaledProbability', 'afterTopK', 'afterTopP'] as const;

/** logits → ÷T → top-k → top-p → softmax → draw, as bars over the same candidates, one column per stage; then the
 * sampled distribution as one stacked bar with the random draw marked where it lands. */
export function renderSamplingStages(container: HTMLElement, data: SamplingStagesData, options: { title?: string } = {}) {
  const svg = select(container).append('svg').attr('class', 'sampling-stages').attr('role', 'img');
  const title = svg.append('title');
  const head = svg.append('g').attr('class', 'headings');
  const body = svg.append('g').attr('class', 'rows');
  const stack = svg.append('g').attr('class', 'cumulative');

  function update(next: SamplingStagesData, nextOptions = options) {
    title.text(nextOptions.title ?? '');
    const FONT = viewTextSize(container);
    const {
      labelWidth: LABEL_WIDTH,
      column: COLUMN,
      width,
      row: ROW,
      valueSpace,
      compact,
    } = samplingWidths(
      container.clientWidth || 560,
      next.candidates.map((c) => c.label),
      FONT,
    );
    // Headings in one row where each fits its column; else in two staggered rows, each free to use two columns.
    // A heading longer than its room wraps onto more lines (the second row starts below the first's tallest):
    // no heading is cut short.
    const line = Math.round(FONT * 1.2);
    const staggered = next.headings.some((heading) => textWidth(heading, FONT) > COLUMN - 6);
    const room = (i: number) => (staggered ? (i < STAGES_COUNT - 1 ? 2 * COLUMN : COLUMN + 6) : COLUMN) - 6;
    const headingLines = next.headings.map((heading, i) => wrapLabel(heading, room(i), FONT));
    const firstRow = Math.max(...headingLines.filter((_, i) => !staggered || i % 2 === 0).map((lines) => lines.length));
    const secondRow = staggered ? Math.max(...headingLines.filter((_, i) => i % 2 === 1).map((lines) => lines.length)) : 0;
    const headHeight = (firstRow + secondRow) * line + 8;
    // Candidate labels wrap within their column too, each row as tall as its label's lines.
    const labelLines = next.candidates.map((c) => wrapLabel(c.label, LABEL_WIDTH - 8, FONT));
    const rowHeights = labelLines.map((lines) => Math.max(ROW, lines.length * line + 6));
    const rowTops = rowHeights.map((_, i) => rowHeights.slice(0, i).reduce((sum, h) => sum + h, 0));
    const rowsHeight = rowHeights.reduce((sum, h) => sum + h, 0);
    const height = headHeight + rowsHeight + 56;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    const headingX = (i: number) => LABEL_WIDTH + i * COLUMN + 2;
    head
      .selectAll('text')
      .data(headingLines)
      .join('text')
      .attr('x', (_, i) => headingX(i))
      .attr('y', (_, i) => line + (staggered && i % 2 === 1 ? firstRow * line : 0))
      .call((texts) =>
        texts
          .selectAll('tspan')
          .data((lines, i) => lines.map((text) => ({ text, x: headingX(i) })))
          .join('tspan')
          .attr('x', (d) => d.x)
          .attr('dy', (_, j) => (j === 0 ? 0 : line))
          .text((d) => d.text),
      );
    // Bars fill their column; a compact column writes its value over the bar (with a halo, see the view's style).
    const VALUE_SPACE = compact ? 6 : valueSpace;
    const logitMin = Math.min(...next.candidates.map((c) => c.logit));
    const logitMax = Math.max(...next.candidates.map((c) => c.logit));
    const logitScale = scaleLinear()
      .domain([Math.min(0, logitMin), Math.max(logitMax, 1e-9)])
      .range([0, COLUMN - VALUE_SPACE]);
    const probabilityScale = scaleLinear()
      .domain([0, 1])
      .range([0, COLUMN - VALUE_SPACE]);
    const rows = body
      .attr('transform', `translate(0, ${headHeight})`)
      .selectAll<SVGGElement, StageCandidate>('g.candidate')
      .data(next.candidates, (c) => String(c.id))
      .join((enter) => {
        const g = enter.append('g').attr('class', 'candidate');
        g.append('text').attr('class', 'label').attr('text-anchor', 'end');
        for (const stage of STAGES) {
          g.append('rect').attr('class', `bar ${stage}`);
          g.append('text').attr('class', `value ${stage}`).attr('dy', '0.35em');
        }
        return g;
      });
    // (Bars and values sit in the middle of a row that a long label makes taller.)
    rows
      .attr('transform', (_, i) => `translate(0, ${rowTops[i]})`)
      .classed('chosen', (c) => c.id === next.chosenId)
      .classed('cut', (c) => c.afterTopP === 0);
    rows.each(function (_, i) {
      const row = select(this);
      row
        .selectAll('rect.bar')
        .attr('height', ROW - 6)
        .attr('y', (rowHeights[i]! - ROW) / 2 + 3);
      row.selectAll('text.value').attr('y', rowHeights[i]! / 2);
      row.select('text.label').attr('y', rowHeights[i]! / 2 - ((labelLines[i]!.length - 1) * line) / 2);
    });
    rows
      .select('text.label')
      .attr('x', LABEL_WIDTH - 6)
      .call((texts) =>
        texts
          .selectAll('tspan')
          .data((_, i) => labelLines[i]!)
          .join('tspan')
          .attr('x', LABEL_WIDTH - 6)
          .attr('dy', (_, j) => (j === 0 ? '0.35em' : line))
          .text((text) => text),
      );
    // The row's own title (not its bars'): the whole label, on hover.
    rows
      .selectChildren('title')
      .data((c) => [c.label])
      .join('title')
      .text((label) => label);
    STAGES.forEach((stage, column) => {
      const x0 = LABEL_WIDTH + column * COLUMN;
      const scale = stage === 'logit' ? (v: number) => logitScale(v) - logitScale(Math.min(0, logitMin)) : probabilityScale;
      rows
        .select(`rect.${stage}`)
        .attr('x', x0)
        .attr('width', (c) => Math.max(c[stage] === 0 ? 0 : 1, scale(c[stage])))
        .attr('fill', (c) => (c.id === next.chosenId ? tokenColor(next.chosenPosition) : '#9aa5b1'));
      rows
        .select(`text.value.${stage}`)
        .classed('over', compact)
        .attr('x', (c) => (compact ? x0 + 3 : x0 + Math.max(1, scale(c[stage])) + 3))
        .text((c) => (stage !== 'logit' && c[stage] === 0 ? '✕' : stage === 'logit' ? formatValue(c.logit) : percent(c[stage], compact)));
      // The full value, on hover over the bar.
      rows
        .select(`rect.${stage}`)
        .selectAll('title')
        .data((c) => [c[stage]])
        .join('title')
        .text((value) => String(value));
    });
    // The sampled distribution as one bar of width 1, and the draw u: the token whose segment contains u is chosen.
    const top = headHeight + rowsHeight + 12;
    const barWidth = width - LABEL_WIDTH - 8;
    stack.attr('transform', `translate(${LABEL_WIDTH}, ${top})`).selectAll('*').remove();
    let offset = 0;
    for (const candidate of next.candidates.filter((c) => c.afterTopP > 0)) {
      stack
        .append('rect')
        .attr('x', offset * barWidth)
        .attr('width', candidate.afterTopP * barWidth)
        .attr('height', 14)
        .attr('fill', candidate.id === next.chosenId ? tokenColor(next.chosenPosition) : offset === 0 ? '#cbd2d9' : '#e4e7eb')
        .attr('stroke', '#fff')
        .append('title')
        .text(`${candidate.label}: ${candidate.afterTopP}`);
      offset += candidate.afterTopP;
    }
    if (next.draw !== null) {
      stack
        .append('line')
        .attr('class', 'draw')
        .attr('x1', next.draw * barWidth)
        .attr('x2', next.draw * barWidth)
        .attr('y1', -4)
        .attr('y2', 18);
      // Near an end the label leans inwards, so it never runs past the picture's edge.
      const anchor = next.draw < 0.2 ? 'start' : next.draw > 0.8 ? 'end' : 'middle';
      stack
        .append('text')
        .attr('class', 'draw-label')
        .attr('x', next.draw * barWidth)
        .attr('y', 32)
        .attr('text-anchor', anchor)
        .text(`u = ${formatValue(next.draw)}`);
    }
  }

  update(data, options);
  return { update, destroy: () => svg.remove() };
}
