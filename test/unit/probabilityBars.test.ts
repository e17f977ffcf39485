// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderProbabilityBars } from '../../visualizations/probabilityBars';

const bars = [
  { id: 5, label: 'a', probability: 0.5, chosen: false },
  { id: 9, label: 'b', probability: 0.3, chosen: true },
  { id: 2, label: 'c', probability: 0.2, chosen: false },
];

describe('probability bars renderer', () => {
  it('draws one bar per candidate with its value, and marks the chosen one', () => {
    const container = document.createElement('div');
    renderProbabilityBars(container, { bars, chosenPosition: 3 });
    expect(container.querySelectorAll('g.bar')).toHaveLength(3);
    expect([...container.querySelectorAll('text.value')].map((t) => t.textContent)).toEqual(['50.0%', '30.0%', '20.0%']);
    expect(container.querySelector('g.chosen text.label')!.textContent).toBe('b');
    expect(container.querySelector('g.bar title')!.textContent).toContain('p = 0.5');
  });

  it('updates in place without re-creating rows for the same tokens', () => {
    const container = document.createElement('div');
    const chart = renderProbabilityBars(container, { bars, chosenPosition: 3 });
    const first = container.querySelector('g.bar');
    chart.update({ bars: bars.map((bar) => ({ ...bar, probability: bar.probability / 2 })), chosenPosition: 3 });
    expect(container.querySelector('g.bar')).toBe(first);
    expect(container.querySelector('text.value')!.textContent).toBe('25.0%');
    chart.update({ bars: bars.slice(0, 1), chosenPosition: 3 });
    expect(container.querySelectorAll('g.bar')).toHaveLength(1);
    chart.destroy();
    expect(container.querySelector('svg')).toBeNull();
  });
});
