// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderHeatmap } from '../../visualizations/heatmap';
import { renderAttentionArcs, ALL_LINES_LIMIT } from '../../visualizations/attentionArcs';
import { renderVectorStrip } from '../../visualizations/vectorStrip';
import { renderGeluCurve, gelu } from '../../visualizations/geluCurve';
import { renderSamplingStages } from '../../visualizations/samplingStages';
import { renderHeadGrid } from '../../visualizations/headGrid';
import { npyBytes, tensorCsv } from '../../visualizations/download';
import { textWidth, verticalTextWidth, wrapLabel } from '../../visualizations/scales';

const pattern3 = [1, 0, 0, 0.25, 0.75, 0, 0.2, 0.3, 0.5];

describe('heatmap', () => {
  it('draws n × n cells with the values in their titles, hatches −∞, and updates in place', () => {
    const container = document.createElement('div');
    const data = {
      rows: 3,
      cols: 3,
      values: [1, -Infinity, -Infinity, 0.5, 2, -Infinity, -1, 0, 3],
      rowLabels: ['a', 'b', 'c'],
      colLabels: ['a', 'b', 'c'],
      scale: 'diverging' as const,
    };
    const chart = renderHeatmap(container, data);
    expect(container.querySelectorAll('rect.cell:not(.masked)')).toHaveLength(6);
    expect(container.querySelectorAll('rect.masked')).toHaveLength(3);
    expect(container.querySelector('rect.masked title')!.textContent).toBe('a → b: −∞');
    expect(container.querySelectorAll('.legend text')).toHaveLength(3);
    const first = container.querySelector('g.cells rect');
    chart.update({ ...data, values: pattern3, scale: 'probability' });
    expect(container.querySelector('g.cells rect')).toBe(first);
    expect(container.querySelectorAll('rect.cell')).toHaveLength(9);
    expect(container.querySelectorAll('g.cells rect')[4]!.querySelector('title')!.textContent).toBe('b → b: 0.75');
  });

  it('sets column labels vertically, never turned: CJK characters stand upright', () => {
    const container = document.createElement('div');
    renderHeatmap(container, {
      rows: 2,
      cols: 2,
      values: [1, 0, 0.5, 0.5],
      rowLabels: ['从前', '␣a'],
      colLabels: ['从前', '␣a'],
      scale: 'probability',
    });
    const labels = [...container.querySelectorAll('g.col-labels text')];
    expect(labels.map((label) => label.firstChild!.textContent)).toEqual(['从前', '␣a']);
    for (const label of labels) {
      expect(label.getAttribute('writing-mode')).toBe('vertical-rl');
      expect(label.getAttribute('transform') ?? '').not.toContain('rotate');
    }
    // Upright characters take a full em down the column (␣ too), Latin letters lying down 0.6 em.
    expect(verticalTextWidth('从前', 12)).toBe(24);
    expect(verticalTextWidth('␣a', 12)).toBeCloseTo(19.2);
    expect(textWidth('␣a', 12)).toBeCloseTo(14.4);
  });
});

describe('attention arcs', () => {
  it('draws a line per visible weight above 1%, and only the chosen query’s lines for long inputs', () => {
    const container = document.createElement('div');
    const chart = renderAttentionArcs(container, { labels: ['a', 'b', 'c'], pattern: pattern3, query: 2 });
    expect(container.querySelectorAll('line.arc')).toHaveLength(6);
    expect(container.querySelectorAll('line.arc.chosen')).toHaveLength(3);
    const n = ALL_LINES_LIMIT + 1;
    const uniform = Array.from({ length: n * n }, (_, i) => (i % n <= Math.floor(i / n) ? 1 / (Math.floor(i / n) + 1) : 0));
    chart.update({ labels: Array.from({ length: n }, (_, i) => `t${i}`), pattern: uniform, query: 10 });
    expect(container.querySelectorAll('line.arc')).toHaveLength(11);
  });
});

describe('vector strip, GELU curve, head grid, sampling stages', () => {
  it('strips: one cell per value, titles with the values, marked cells outlined', () => {
    const container = document.createElement('div');
    renderVectorStrip(container, {
      rows: [
        { label: 'x', values: [1, -2, 3] },
        { label: 'y', values: [0, 0.5, -0.5] },
      ],
      marked: [2],
    });
    expect(container.querySelectorAll('g.row')).toHaveLength(2);
    expect(container.querySelectorAll('g.row rect')).toHaveLength(6);
    expect(container.querySelectorAll('rect.marked')).toHaveLength(2);
    expect(container.querySelector('g.row rect title')!.textContent).toBe('x [0] = 1');
  });

  it('GELU: the tanh form GPT-2 uses, one point per neuron', () => {
    expect(gelu(0)).toBe(0);
    expect(gelu(1)).toBeCloseTo(0.841192, 5);
    const container = document.createElement('div');
    renderGeluCurve(container, { pre: [-1, 0, 2, 3], highlighted: [3] });
    expect(container.querySelectorAll('circle.neuron')).toHaveLength(4);
    expect(container.querySelectorAll('circle.top')).toHaveLength(1);
  });

  it('head grid: one thumbnail per layer × head, the selected one marked', () => {
    const container = document.createElement('div');
    const patterns = [
      [pattern3, pattern3],
      [pattern3, pattern3],
    ];
    renderHeadGrid(container, { layers: 2, heads: 2, n: 3, patterns, selected: { layer: 1, head: 0 } });
    expect(container.querySelectorAll('g.thumb')).toHaveLength(4);
    expect(container.querySelector('g.thumb.selected')!.getAttribute('data-layer')).toBe('1');
  });

  it('head grid: the thumbnails’ tooltips are the text the page passes in, in its language', () => {
    const container = document.createElement('div');
    const patterns = [
      [pattern3, pattern3],
      [pattern3, null],
    ];
    const thumbTitle = (layer: number, head: number, kept: boolean) => `第 ${layer + 1} 层第 ${head + 1} 个头${kept ? '' : '（未保留）'}`;
    const grid = renderHeadGrid(container, { layers: 2, heads: 2, n: 3, patterns, thumbTitle, selected: { layer: 0, head: 0 } });
    const title = (layer: number, head: number) =>
      container.querySelector(`g.thumb[data-layer="${layer}"][data-head="${head}"] title`)!.textContent;
    expect(title(1, 0)).toBe('第 2 层第 1 个头');
    expect(title(1, 1)).toBe('第 2 层第 2 个头（未保留）');
    grid.update({
      layers: 2,
      heads: 2,
      n: 3,
      patterns,
      thumbTitle: (l, h) => `Layer ${l + 1}, head ${h + 1}`,
      selected: { layer: 0, head: 0 },
    });
    expect(title(1, 0)).toBe('Layer 2, head 1');
  });

  it('head grid: an update redraws only the thumbnails whose pattern changed (a layer not kept, then recomputed)', () => {
    const container = document.createElement('div');
    const other = [1, 0, 0, 0.9, 0.1, 0, 0.1, 0.1, 0.8];
    const grid = renderHeadGrid(container, {
      layers: 2,
      heads: 2,
      n: 3,
      patterns: [
        [pattern3, pattern3],
        [null, null],
      ],
      notKept: 'not kept',
      selected: { layer: 0, head: 0 },
    });
    const thumb = (layer: number, head: number) => container.querySelector(`g.thumb[data-layer="${layer}"][data-head="${head}"]`)!;
    expect(thumb(1, 0).getAttribute('data-kept')).toBe('false');
    expect(thumb(1, 0).querySelector('title')!.textContent).toBe('L2 H1 (not kept)');
    const kept = thumb(0, 0).firstElementChild;
    const changed = thumb(0, 1).firstElementChild;
    grid.update({
      layers: 2,
      heads: 2,
      n: 3,
      patterns: [
        [pattern3, other],
        [pattern3, null],
      ],
      notKept: 'not kept',
      selected: { layer: 1, head: 0 },
    });
    // Unchanged: the same elements. Changed or newly kept: drawn again.
    expect(thumb(0, 0).firstElementChild).toBe(kept);
    expect(thumb(0, 1).firstElementChild).not.toBe(changed);
    expect(changed!.parentNode).toBeNull();
    expect(thumb(1, 0).getAttribute('data-kept')).toBeNull();
    expect(thumb(1, 0).querySelector('rect.frame')!.getAttribute('stroke-dasharray')).toBeNull();
    expect(thumb(1, 1).getAttribute('data-kept')).toBe('false');
    expect(container.querySelectorAll('g.thumb')).toHaveLength(4);
    expect(container.querySelector('g.thumb.selected')!.getAttribute('data-layer')).toBe('1');
  });

  it('sampling stages: a bar per candidate and stage; cut candidates marked; the draw drawn', () => {
    const container = document.createElement('div');
    const candidates = [
      { id: 1, label: 'a', logit: 2, probability: 0.6, scaledProbability: 0.7, afterTopK: 0.75, afterTopP: 1 },
      { id: 2, label: 'b', logit: 1, probability: 0.3, scaledProbability: 0.25, afterTopK: 0.25, afterTopP: 0 },
    ];
    renderSamplingStages(container, { candidates, chosenId: 1, draw: 0.4, chosenPosition: 3, headings: ['l', 's', 't', 'k', 'p'] });
    expect(container.querySelectorAll('g.candidate')).toHaveLength(2);
    expect(container.querySelectorAll('g.candidate rect.bar')).toHaveLength(10);
    expect(container.querySelector('g.candidate.cut text.label')!.textContent).toBe('b');
    expect(container.querySelector('text.draw-label')!.textContent).toBe('u = 0.400');
  });

  it('sampling stages: a label or heading too long for its column wraps onto more lines, whole (no “…”)', () => {
    const container = document.createElement('div');
    Object.defineProperty(container, 'clientWidth', { value: 300 });
    const candidates = [
      { id: 1, label: 'E4 B8 (世)', logit: 2, probability: 0.6, scaledProbability: 0.7, afterTopK: 0.75, afterTopP: 1 },
      { id: 2, label: '␣extraordinarily', logit: 1, probability: 0.3, scaledProbability: 0.25, afterTopK: 0.25, afterTopP: 0 },
      { id: 3, label: 'a', logit: 0, probability: 0.1, scaledProbability: 0.05, afterTopK: 0, afterTopP: 0 },
    ];
    renderSamplingStages(container, {
      candidates,
      chosenId: 1,
      draw: 0.4,
      chosenPosition: 3,
      headings: ['logit', 'softmax T=1', 'softmax T=0.75', 'top-k', 'top-p'],
    });
    const texts = [...container.querySelectorAll('text')].map((text) => text.textContent ?? '');
    expect(texts.some((text) => text.includes('…'))).toBe(false);
    const label = (id: number) =>
      [...container.querySelectorAll(`g.candidate:nth-child(${id}) text.label tspan`)].map((tspan) => tspan.textContent);
    expect(label(1)).toEqual(['E4 B8', '(世)']);
    expect(label(2)!.join('')).toBe('␣extraordinarily');
    expect(label(2)!.length).toBeGreaterThan(1);
    expect(label(3)).toEqual(['a']);
    // Rows stack below each other, a wrapped one taller than a one-line one.
    const tops = [...container.querySelectorAll('g.candidate')].map((row) =>
      Number(/translate\(0, ([\d.]+)\)/.exec(row.getAttribute('transform')!)![1]),
    );
    expect(tops[1]! - tops[0]!).toBeGreaterThan(20);
    expect(tops[2]! - tops[1]!).toBeGreaterThan(tops[1]! - tops[0]!);
    const headings = [...container.querySelectorAll('g.headings text')].map((text) =>
      [...text.querySelectorAll('tspan')].map((tspan) => tspan.textContent).join(' '),
    );
    expect(headings).toEqual(['logit', 'softmax T=1', 'softmax T=0.75', 'top-k', 'top-p']);
  });

  it('wrapLabel: at spaces where it can, else between characters, nothing dropped', () => {
    expect(wrapLabel('E4 B8 (世)', 56)).toEqual(['E4 B8', '(世)']);
    expect(wrapLabel('softmax T=0.75', 84)).toEqual(['softmax', 'T=0.75']);
    expect(wrapLabel('top-p', 39)).toEqual(['top-p']);
    expect(wrapLabel('␣beautiful', 40)).toEqual(['␣beau', 'tiful']);
    expect(wrapLabel('␣success', 56)).toEqual(['␣suc', 'cess']);
    for (const line of wrapLabel('␣beautiful', 40)) expect(textWidth(line)).toBeLessThanOrEqual(40);
  });
});

describe('tensor downloads', () => {
  it('writes CSV rows with full precision and -inf', () => {
    expect(tensorCsv([2, 2], [0.1, -Infinity, 3, 4])).toBe('0.1,-inf\n3,4\n');
  });

  it('writes a valid float32 .npy (magic, 64-byte aligned header, shape, values)', () => {
    const bytes = npyBytes([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    const headerLength = bytes[8]! + bytes[9]! * 256;
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header).toContain("'descr': '<f4'");
    expect(header).toContain("'shape': (2, 3)");
    expect(Array.from(new Float32Array(bytes.buffer, 10 + headerLength, 6))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
