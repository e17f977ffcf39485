// The flow chart's arrangements and their fit to a box: one, two or three columns, never wider than the box.
import { describe, expect, it } from 'vitest';
import { edgeRoute, fitLayout, placeNodes, type Arrangement, type LayoutNode, type PlacedNode } from '../../visualizations/flowLayout';
import { flowChartFor } from '../../src/flow/chart';

const chart = flowChartFor({ nLayer: 4, nHead: 4, nKvHead: 4, architecture: 'gpt2', tieWordEmbeddings: true });
const nodes: LayoutNode[] = chart.nodes.map((node) => ({
  id: node.id,
  shape: node.shape,
  column: node.region === 'layer' ? 'right' : 'left',
  gapAfter: node.id === 'residual' ? 36 : 0,
}));
const overlaps = (a: PlacedNode, b: PlacedNode) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Does the segment cross the box's inside (touching its edge is allowed)? Segments are horizontal or vertical. */
function crosses([x0, y0]: [number, number], [x1, y1]: [number, number], box: PlacedNode): boolean {
  const inside = 1;
  const [left, right] = [Math.min(x0, x1), Math.max(x0, x1)];
  const [top, bottom] = [Math.min(y0, y1), Math.max(y0, y1)];
  return left < box.x + box.width - inside && right > box.x + inside && top < box.y + box.height - inside && bottom > box.y + inside;
}

describe('flow chart layout', () => {
  for (const arrangement of ['one', 'two', 'three'] as Arrangement[]) {
    it(`${arrangement} column(s): no two boxes overlap, every box inside the chart, no arrow runs through a box`, () => {
      const layout = placeNodes(nodes, undefined, arrangement);
      const columns = new Set(layout.nodes.map((node) => node.slot));
      expect(columns.size).toBe({ one: 1, two: 2, three: 3 }[arrangement]);
      for (const [i, a] of layout.nodes.entries()) {
        expect(a.x).toBeGreaterThanOrEqual(0);
        expect(a.x + a.width).toBeLessThanOrEqual(layout.width);
        expect(a.y + a.height).toBeLessThanOrEqual(layout.height);
        for (const b of layout.nodes.slice(i + 1)) expect(overlaps(a, b), `${a.id} overlaps ${b.id}`).toBe(false);
      }
      const byId = new Map(layout.nodes.map((node) => [node.id, node]));
      for (const edge of chart.edges) {
        const route = edgeRoute(byId.get(edge.from)!, byId.get(edge.to)!, edge.loop, layout.metrics, arrangement);
        for (const point of route) {
          expect(point[0]).toBeGreaterThanOrEqual(0);
          expect(point[0]).toBeLessThanOrEqual(layout.width);
          expect(point[1]).toBeGreaterThanOrEqual(0);
        }
        for (let s = 1; s < route.length; s++) {
          for (const box of layout.nodes) {
            if (box.id === edge.from || box.id === edge.to) continue;
            expect(crosses(route[s - 1]!, route[s]!, box), `${edge.from}→${edge.to} runs through ${box.id}`).toBe(false);
          }
        }
      }
    });
  }

  it('fits a page box: never wider than the box, text never below 12 px, one column only when two do not fit', () => {
    for (const width of [320, 344, 502, 560, 588, 640, 700, 1140, 3000]) {
      const { layout, scale } = fitLayout(nodes, 180, { width, height: 700, fitHeight: false });
      expect(layout.width * scale, `at ${width} px`).toBeLessThanOrEqual(width + 0.5);
      if (width >= 344) expect(scale * 13, `at ${width} px`).toBeGreaterThanOrEqual(12);
      const twoFits = placeNodes(nodes, { ...layout.metrics, nodeWidth: 180 }, 'two').width * (12 / 13) <= width;
      if (layout.arrangement === 'one') expect(twoFits).toBe(false);
    }
    // A laptop's chart box keeps two columns; a phone's gets one.
    expect(fitLayout(nodes, 170, { width: 600, height: 600, fitHeight: false }).layout.arrangement).not.toBe('one');
    expect(fitLayout(nodes, 170, { width: 340, height: 600, fitHeight: false }).layout.arrangement).toBe('one');
  });

  it('projects one column at the wanted scale, smaller only as the width needs and never below the needed one', () => {
    const projected = { scale: 28.8 / 13, minScale: 28 / 13 };
    const wide = fitLayout(nodes, 180, { width: 2000, height: 900, fitHeight: false, projected });
    expect(wide.layout.arrangement).toBe('one');
    expect(wide.scale).toBeCloseTo(28.8 / 13, 6);
    const natural = wide.layout.width;
    const between = fitLayout(nodes, 180, { width: natural * 2.18, height: 900, fitHeight: false, projected });
    expect(between.scale).toBeCloseTo(2.18, 6);
    expect(fitLayout(nodes, 180, { width: 100, height: 900, fitHeight: false, projected }).scale).toBeCloseTo(28 / 13, 6);
  });

  it('fits a projector whole, width and height, and uses the landscape space', () => {
    for (const [width, height] of [
      [1290, 680],
      [860, 420],
      [2600, 1500],
    ] as const) {
      const { layout, scale } = fitLayout(nodes, 180, { width, height, fitHeight: true });
      expect(layout.width * scale).toBeLessThanOrEqual(width + 0.5);
      expect(layout.height * scale).toBeLessThanOrEqual(height + 0.5);
      expect(layout.arrangement).toBe('three');
    }
  });
});
