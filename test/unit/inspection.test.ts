// The detail views and a chart box's detail look at the same place: the box's step, its newest position, its layer.
import { describe, expect, it } from 'vitest';
import { Inspection } from '../../src/app/inspection.svelte';
import { stepSpan } from '../../src/flow/nodes';
import type { Trace } from '../../src/engine/trace';

/** A 4-token prompt and 23 generated tokens: step 0 computes positions 0–3, step s position 3 + s. */
const trace = { steps: Array.from({ length: 24 }, (_, s) => ({ position: 3 + s })) } as unknown as Trace;
const n = 27;

describe('inspection', () => {
  it('follows the newest position until a step or a position is chosen', () => {
    const inspection = new Inspection();
    expect(inspection.positionIn(trace, n)).toBe(26);
    inspection.step = 5;
    expect(inspection.positionIn(trace, n)).toBe(8);
    inspection.position = 2;
    expect(inspection.positionIn(trace, n)).toBe(2);
    inspection.position = 40;
    expect(inspection.positionIn(trace, n)).toBe(26);
  });

  it('a box chosen on the chart: the views show the position its detail shows (the step’s newest), at its layer', () => {
    const inspection = new Inspection();
    inspection.position = 26; // moved on a slider before
    inspection.key = 9;
    inspection.follow('embed', { layer: null, step: 0 }, 4);
    expect(inspection.tab).toBe('embedding');
    expect(inspection.positionIn(trace, n)).toBe(stepSpan(trace, 0)!.last);
    expect(inspection.key).toBeNull();
    inspection.follow('softmax', { layer: 2, step: 7 }, 4);
    expect([inspection.tab, inspection.layer, inspection.positionIn(trace, n)]).toEqual(['attention', 2, stepSpan(trace, 7)!.last]);
    // A box of the layer loop seen from outside it (the chart at End): its detail shows the last layer.
    inspection.follow('mlp', { layer: null, step: 23 }, 4);
    expect([inspection.tab, inspection.layer, inspection.positionIn(trace, n)]).toEqual(['mlp', 3, 26]);
    // A box before the loop leaves the layer open in the views as it was.
    inspection.follow('tokenize', { layer: null, step: 0 }, 4);
    expect(inspection.layer).toBe(3);
  });
});
