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

/** Whether two runs can be subtracted: the same model (the same capture points and sizes). */
export function comparableRuns(a: Trace, b: Trace): boolean {
  return a.modelName === b.modelName && a.config.vocabSize === b.config.vocabSize && a.config.dModel === b.config.dModel && a.config.nLayer === b.config.nLayer;
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
