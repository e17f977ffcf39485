import { computedPositions, rowLayout, type Trace } from './trace';

/** B's row minus A's, element by element. Attention rows ([heads × keys]) are aligned by head and key: where the
 * two runs scored different numbers of keys (prompts of different lengths), the keys both scored. Equal values
 * (the −∞ of a masked score in both) differ by 0. */
export function rowDifference(a: Float32Array, b: Float32Array, heads: number | null): Float32Array {
  if (heads === null) return b.map((y, i) => (y === a[i] ? 0 : y - a[i]!));
  const widthA = a.length / heads;
  const widthB = b.length / heads;
  const width = Math.min(widthA, widthB);
  const out = new Float32Array(heads * width);
  for (let h = 0; h < heads; h++) {
    for (let k = 0; k < width; k++) {
      const x = a[h * widthA + k]!;
      const y = b[h * widthB + k]!;
      out[h * width + k] = y === x ? 0 : y - x;
    }
  }
  return out;
}

/** B − A of one hook at every position both runs computed (aligned by position number). A position either run did
 * not keep (a large model's lean capture) is left out, as it is in that run: a view asks both runs for it. */
export function differenceRows(a: Trace, b: Trace, hook: string): Float32Array[] {
  const point = a.points.find((p) => p.hook === hook);
  const rowsA = a.rows[hook];
  const rowsB = b.rows[hook];
  if (!point || !rowsA || !rowsB) return [];
  const heads = rowLayout(point.layout) === 'attention' ? a.config.nHead : null;
  const n = Math.min(computedPositions(a), computedPositions(b));
  const rows = new Array<Float32Array>(n);
  for (let p = 0; p < n; p++) {
    const x = rowsA[p];
    const y = rowsB[p];
    if (x && y) rows[p] = rowDifference(x, y, heads);
  }
  return rows;
}

/** Whether a B − A is 0 everywhere: equal values, cells never computed and masked ones (not finite) alike. */
export function isZeroDifference(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && Number.isFinite(values[i]!)) return false;
  return true;
}

/** The positions both runs computed where their tokens are not the same (the runs read different text there). */
export function differingPositions(a: Trace, b: Trace): number[] {
  const n = Math.min(computedPositions(a), computedPositions(b));
  return Array.from({ length: n }, (_, p) => p).filter((p) => a.tokens[p]?.id !== b.tokens[p]?.id);
}

/** How far two rows of one tensor are apart: the largest difference, the largest value in either, and `relative`,
 * the difference over that largest value counted as at least 1 (the share rounding is held to). */
export function rowsApart(x: ArrayLike<number>, y: ArrayLike<number>): { difference: number; largest: number; relative: number } {
  let difference = 0;
  let largest = 0;
  for (let i = 0; i < x.length; i++) {
    difference = Math.max(difference, Math.abs(y[i]! - x[i]!));
    largest = Math.max(largest, Math.abs(x[i]!), Math.abs(y[i]!));
  }
  return { difference, largest, relative: difference / Math.max(1, largest) };
}

/** Whether two runs can be subtracted: the same model (the same capture points and sizes). */
export function comparableRuns(a: Trace, b: Trace): boolean {
  return (
    a.modelName === b.modelName &&
    a.config.vocabSize === b.config.vocabSize &&
    a.config.dModel === b.config.dModel &&
    a.config.nLayer === b.config.nLayer
  );
}

/** Run B − run A as a Trace the views can read like any other: A's tokens, settings and steps (for positions and
 * labels), and at each position both runs computed, B's row minus A's (`differenceRows`). Each hook's difference
 * is computed when a view first reads it, then kept. Decisions (sampling) and tokens have no difference: the views
 * that show them are handed A or B instead. */
export function differenceTrace(a: Trace, b: Trace): Trace {
  const n = Math.min(computedPositions(a), computedPositions(b));
  const rows: Record<string, readonly Float32Array[]> = {};
  for (const point of a.points) {
    let computed: readonly Float32Array[] | null = null;
    Object.defineProperty(rows, point.hook, {
      enumerable: true,
      get: () => (computed ??= Object.freeze(differenceRows(a, b, point.hook))),
    });
  }
  return Object.freeze({
    ...a,
    rows: Object.freeze(rows),
    // The steps whose positions both runs computed: what a box's detail and the playback index by.
    steps: Object.freeze(a.steps.filter((step) => step.position < n)),
  });
}

/** What B − A of a head B switched off says about its pattern (`largest`: its largest |B − A|):
 * - 'same': 0 everywhere;
 * - 'changed': the head's input differs: the runs read different text at a position both computed, or switched off
 *   different parts of earlier layers, or the layer's input (hook_resid_pre) differs by more than rounding;
 * - 'rounding': none of these, so the difference comes from how the two runs computed this layer (one of them may
 *   have recomputed it in one pass over all positions, the other kept it from a pass per position), which adds the
 *   same products in another order; an 8-bit graph also rounds a pass's inputs to steps that depend on its
 *   positions.
 * The input is decided from the runs themselves, not from the pattern: rounding alone can make the pattern differ.
 * `tolerance`: the rounding allowed in a row of the input, as a share of its largest value (at least 1), as a
 * KV-cache check allows it. */
export function switchedOffPattern(
  a: Trace,
  b: Trace,
  layer: number,
  head: number,
  tolerance: number,
): { kind: 'same' | 'rounding' | 'changed'; largest: number } {
  const heads = a.config.nHead;
  let largest = 0;
  for (const row of differenceRows(a, b, `blocks.${layer}.attn.hook_pattern`)) {
    if (!row) continue;
    const width = row.length / heads;
    for (let k = 0; k < width; k++) {
      const value = Math.abs(row[head * width + k]!);
      if (Number.isFinite(value)) largest = Math.max(largest, value);
    }
  }
  if (largest === 0) return { kind: 'same', largest };
  const otherText = differingPositions(a, b).length > 0;
  const otherParts = partsBefore(a.intervention, layer) !== partsBefore(b.intervention, layer);
  return { kind: otherText || otherParts || inputBeyondRounding(a, b, layer, tolerance) ? 'changed' : 'rounding', largest };
}

/** The parts of layers before `layer` an intervention switches off, as one comparable string (a head replaced by
 * its mean counts with that mean). */
function partsBefore(intervention: Trace['intervention'], layer: number): string {
  const heads = (intervention?.heads ?? []).filter((key) => Number(key.split('.')[0]) < layer).sort();
  const mlps = (intervention?.mlps ?? []).filter((l) => l < layer).sort((x, y) => x - y);
  return JSON.stringify([heads.map((key) => [key, intervention?.means?.[key] ?? null]), mlps]);
}

/** Whether the layer's input (its residual stream before it) differs between the runs by more than `tolerance` of a
 * row's largest value (at least 1) at any position both kept. */
function inputBeyondRounding(a: Trace, b: Trace, layer: number, tolerance: number): boolean {
  const hook = `blocks.${layer}.hook_resid_pre`;
  const n = Math.min(computedPositions(a), computedPositions(b));
  for (let p = 0; p < n; p++) {
    const x = a.rows[hook]?.[p];
    const y = b.rows[hook]?.[p];
    if (!x || !y || x.length !== y.length) continue;
    if (rowsApart(x, y).relative > tolerance) return true;
  }
  return false;
}
