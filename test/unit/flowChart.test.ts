// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderFlowChart, type FlowChartData } from '../../visualizations/flowChart';
import { gpt2FlowChart } from '../../src/flow/chart';
import { MINI_WIDTH, peaks } from '../../visualizations/miniViz';

function chartData(layers: number, active: string | null): FlowChartData {
  const chart = gpt2FlowChart({ nLayer: layers, nHead: 4 });
  return {
    nodes: chart.nodes.map((node) => ({
      id: node.id,
      shape: node.shape,
      family: node.family,
      label: node.id,
      column: node.region === 'layer' ? 'right' : 'left',
    })),
    edges: chart.edges.map((edge) => ({ ...edge, answer: edge.answer })),
    active,
    counters: { moreLayers: 'layer 1 / 4', done: 'token 1 / 3' },
    annotation: active
      ? { shape: '[7×128]', title: 'Shape: [7 positions × 128 dims]', mini: { kind: 'sparkline', values: [1, -2, 3] } }
      : null,
  };
}

describe('flow chart renderer', () => {
  it('draws every box, every edge (two of them loops), the counters and the active box’s values', () => {
    const container = document.createElement('div');
    renderFlowChart(container, chartData(4, 'embed'));
    expect(container.querySelectorAll('g.node')).toHaveLength(27);
    expect(container.querySelectorAll('g.edge')).toHaveLength(28);
    expect(container.querySelectorAll('g.edge.loop')).toHaveLength(2);
    expect(container.querySelectorAll('g.node.active')).toHaveLength(1);
    expect(container.querySelector('g.node.active')!.getAttribute('data-node')).toBe('embed');
    expect(container.querySelector('text[data-counter=moreLayers]')!.textContent).toBe('layer 1 / 4');
    expect(container.querySelector('text.shape-label')!.textContent).toBe('[7×128]');
    expect(container.querySelector('g.annotation > title')!.textContent).toBe('Shape: [7 positions × 128 dims]');
    expect(container.querySelectorAll('.mini-sparkline rect')).toHaveLength(3);
    expect(container.querySelectorAll('g.node[data-node=moreLayers] path')[0]!.getAttribute('d')).toMatch(/^M\d+(\.\d+)?,0 L/);
  });

  it('moves the highlight without re-creating the boxes, and reports clicks', () => {
    const container = document.createElement('div');
    const clicked: string[] = [];
    const chart = renderFlowChart(container, chartData(4, 'embed'), { onSelect: (id) => clicked.push(id), reducedMotion: true });
    const box = container.querySelector('g.node[data-node=softmax]');
    chart.update(chartData(4, 'softmax'), { onSelect: (id) => clicked.push(id), reducedMotion: true });
    expect(container.querySelector('g.node[data-node=softmax]')).toBe(box);
    expect(container.querySelector('g.node.active')!.getAttribute('data-node')).toBe('softmax');
    box!.dispatchEvent(new Event('click'));
    expect(clicked).toEqual(['softmax']);
    chart.destroy();
    expect(container.querySelector('svg')).toBeNull();
  });
});

describe('the live sparkline beside the active box', () => {
  it('draws a long vector in at most one bar per pixel, each the run’s value of largest magnitude', () => {
    expect(peaks([1, -5, 2, 3], 2)).toEqual([-5, 3]);
    expect(peaks([1, 2], 4)).toEqual([1, 2]);
    // A 896-wide residual stream with one outlier dimension.
    const values = Array.from({ length: 896 }, (_, i) => Math.sin(i) * 0.1);
    values[500] = -7;
    values[0] = 3;
    values[895] = -4;
    const bars = peaks(values, MINI_WIDTH);
    expect(bars).toHaveLength(MINI_WIDTH);
    expect(bars).toContain(-7);
    expect(bars[0]).toBe(3);
    expect(bars.at(-1)).toBe(-4);
    expect(Math.max(...bars.map(Math.abs))).toBe(7);
    const container = document.createElement('div');
    const data = chartData(4, 'embed');
    renderFlowChart(container, { ...data, annotation: { ...data.annotation!, mini: { kind: 'sparkline', values } } });
    const rects = [...container.querySelectorAll('.mini-sparkline rect')];
    expect(rects).toHaveLength(MINI_WIDTH);
    // The outlier's bar spans the full half height (26 px tall, 13 either side of 0).
    expect(Math.max(...rects.map((rect) => Number(rect.getAttribute('height'))))).toBeCloseTo(13, 5);
    // Side by side within MINI_WIDTH, the last one ending at its edge.
    const last = rects.at(-1)!;
    expect(Number(last.getAttribute('x')) + Number(last.getAttribute('width'))).toBeCloseTo(MINI_WIDTH, 5);
    expect(Number(rects[0]!.getAttribute('x'))).toBe(0);
  });
});
