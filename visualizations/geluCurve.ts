import { select } from 'd3-selection';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { viewTextSize } from './scales';

/** GPT-2's GELU ("gelu_new", tanh approximation) — the function the model's graph computes. */
export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

/** SiLU (x · sigmoid(x)): the gate of Llama's SwiGLU MLP. */
export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

export interface GeluData {
  /** Which function the MLP applies: GPT-2's GELU, or the SiLU gate of a SwiGLU MLP. */
  activation?: 'gelu' | 'silu';
  /** Pre-activations of the current token; each is drawn as a point on the curve. */
  pre: ArrayLike<number>;
  /** Indices drawn larger and labelled (the top neurons). */
  highlighted: number[];
}

/** The GELU curve with this token's neurons marked on it. */
export interface GeluOptions {
  title?: string;
  /** A point's tooltip in the page's language, for the 0-based neuron `i`; without it, `neuron i: GELU(x) = y`. */
  pointTitle?: (i: number, input: number, output: number) => string;
}

export function renderGeluCurve(container: HTMLElement, data: GeluData, options: GeluOptions = {}) {
  const width = 320;
  const height = 200;
  const svg = select(container)
    .append('svg')
    .attr('class', 'gelu')
    .attr('role', 'img')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`);
  const title = svg.append('title');
  const plot = svg.append('g').attr('transform', 'translate(30, 10)');

  function update(next: GeluData, nextOptions = options) {
    title.text(nextOptions.title ?? '');
    plot.selectAll('*').remove();
    const act = next.activation === 'silu' ? silu : gelu;
    const name = next.activation === 'silu' ? 'SiLU' : 'GELU';
    const values = Array.from(next.pre);
    const extent = Math.max(3, ...values.map(Math.abs));
    const x = scaleLinear()
      .domain([-extent, extent])
      .range([0, width - 40]);
    const y = scaleLinear()
      .domain([-0.5, Math.max(act(extent), 1)])
      .range([height - 30, 0]);
    plot
      .append('line')
      .attr('class', 'axis')
      .attr('x1', 0)
      .attr('x2', width - 40)
      .attr('y1', y(0))
      .attr('y2', y(0));
    plot
      .append('line')
      .attr('class', 'axis')
      .attr('x1', x(0))
      .attr('x2', x(0))
      .attr('y1', 0)
      .attr('y2', height - 30);
    const curve = Array.from({ length: 121 }, (_, i) => -extent + (2 * extent * i) / 120);
    plot
      .append('path')
      .attr('class', 'curve')
      .attr(
        'd',
        line<number>()
          .x((v) => x(v))
          .y((v) => y(act(v)))(curve)!,
      );
    const highlighted = new Set(next.highlighted);
    plot
      .selectAll('circle')
      .data(values.map((v, i) => ({ v, i })))
      .join('circle')
      .attr('cx', (d) => x(d.v))
      .attr('cy', (d) => y(act(d.v)))
      .attr('r', (d) => (highlighted.has(d.i) ? 4.5 : 2))
      .attr('class', (d) => (highlighted.has(d.i) ? 'neuron top' : 'neuron'))
      .append('title')
      .text((d) => nextOptions.pointTitle?.(d.i, d.v, act(d.v)) ?? `neuron ${d.i}: ${name}(${d.v}) = ${act(d.v)}`);
    // The axis labels in the views' type; the curve's name a line below the plot's top edge (10 px above the curve's
    // area), so a projector's larger type fits.
    const font = viewTextSize(container);
    plot
      .append('text')
      .attr('class', 'axis-label')
      .attr('font-size', font)
      .attr('x', width - 40)
      .attr('y', y(0) - 4)
      .attr('text-anchor', 'end')
      .text('x');
    plot
      .append('text')
      .attr('class', 'axis-label')
      .attr('font-size', font)
      .attr('x', x(0) + 4)
      .attr('y', Math.max(10, font))
      .text(`${name}(x)`);
  }

  update(data, options);
  return { update, destroy: () => svg.remove() };
}
