import { select } from 'd3-selection';
import { scaleLinear } from 'd3-scale';
import { tokenColor } from './colors';
import { formatValue } from './scales';

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

const LABEL_WIDTH = 70;
const COLUMN = 96;
const ROW = 20;
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
    const width = LABEL_WIDTH + COLUMN * STAGES.length + 8;
    const height = 24 + next.candidates.length * ROW + 56;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    head.selectAll('text').data(next.headings).join('text').attr('x', (_, i) => LABEL_WIDTH + i * COLUMN + 2).attr('y', 14).text((d) => d);
    const logitMin = Math.min(...next.candidates.map((c) => c.logit));
    const logitMax = Math.max(...next.candidates.map((c) => c.logit));
    const logitScale = scaleLinear().domain([Math.min(0, logitMin), Math.max(logitMax, 1e-9)]).range([0, COLUMN - 40]);
    const probabilityScale = scaleLinear().domain([0, 1]).range([0, COLUMN - 40]);
    const rows = body.attr('transform', 'translate(0, 24)').selectAll<SVGGElement, StageCandidate>('g.candidate').data(next.candidates, (c) => String(c.id)).join((enter) => {
      const g = enter.append('g').attr('class', 'candidate');
      g.append('text').attr('class', 'label').attr('x', LABEL_WIDTH - 6).attr('y', ROW / 2).attr('dy', '0.35em').attr('text-anchor', 'end');
      for (const stage of STAGES) {
        g.append('rect').attr('class', `bar ${stage}`).attr('y', 3).attr('height', ROW - 6);
        g.append('text').attr('class', `value ${stage}`).attr('y', ROW / 2).attr('dy', '0.35em');
      }
      return g;
    });
    rows.attr('transform', (_, i) => `translate(0, ${i * ROW})`).classed('chosen', (c) => c.id === next.chosenId).classed('cut', (c) => c.afterTopP === 0);
    rows.select('text.label').text((c) => c.label);
    STAGES.forEach((stage, column) => {
      const x0 = LABEL_WIDTH + column * COLUMN;
      const scale = stage === 'logit' ? (v: number) => logitScale(v) - logitScale(Math.min(0, logitMin)) : probabilityScale;
      rows.select(`rect.${stage}`).attr('x', x0).attr('width', (c) => Math.max(c[stage] === 0 ? 0 : 1, scale(c[stage])))
        .attr('fill', (c) => (c.id === next.chosenId ? tokenColor(next.chosenPosition) : '#9aa5b1'));
      rows.select(`text.value.${stage}`).attr('x', (c) => x0 + Math.max(1, scale(c[stage])) + 3)
        .text((c) => (stage !== 'logit' && c[stage] === 0 ? '✕' : stage === 'logit' ? formatValue(c.logit) : `${(c[stage] * 100).toPrecision(3)}%`));
    });
    // The sampled distribution as one bar of width 1, and the draw u: the token whose segment contains u is chosen.
    const top = 24 + next.candidates.length * ROW + 12;
    const barWidth = width - LABEL_WIDTH - 8;
    stack.attr('transform', `translate(${LABEL_WIDTH}, ${top})`).selectAll('*').remove();
    let offset = 0;
    for (const candidate of next.candidates.filter((c) => c.afterTopP > 0)) {
      stack.append('rect').attr('x', offset * barWidth).attr('width', candidate.afterTopP * barWidth).attr('height', 14)
        .attr('fill', candidate.id === next.chosenId ? tokenColor(next.chosenPosition) : offset === 0 ? '#cbd2d9' : '#e4e7eb').attr('stroke', '#fff')
        .append('title').text(`${candidate.label}: ${candidate.afterTopP}`);
      offset += candidate.afterTopP;
    }
    if (next.draw !== null) {
      stack.append('line').attr('class', 'draw').attr('x1', next.draw * barWidth).attr('x2', next.draw * barWidth).attr('y1', -4).attr('y2', 18);
      stack.append('text').attr('class', 'draw-label').attr('x', next.draw * barWidth).attr('y', 32).attr('text-anchor', 'middle').text(`u = ${formatValue(next.draw)}`);
    }
  }

  update(data, options);
  return { update, destroy: () => svg.remove() };
}
