/** Tensor shapes with named axes: what the chart, the views and the i18n layer say a tensor is. */

/** What one axis of a tensor counts. The i18n layer names it in the page's language ("7 positions", "7 个位置");
 * `count` is a bare multiplier (Q, K and V: 3 × […]). */
export type Axis =
  'count' | 'tokens' | 'positions' | 'queries' | 'keys' | 'heads' | 'dims' | 'neurons' | 'vocab' | 'candidates' | 'layers' | 'stages';

export interface Dim {
  size: number;
  axis: Axis;
}

/** One tensor's shape: its dims in brackets, after `times` multipliers (3 × [7 × 4 × 40]). */
export interface ShapeTerm {
  times: Dim[];
  dims: Dim[];
}

/** What a box computes: one tensor shape, or several added (Q's, then 2 × K's and V's under grouped-query
 * attention). Structured, so every shape on screen names its axes in the page's language (the i18n layer's shapes module). */
export type TensorShape = ShapeTerm[];

export const dim = (size: number, axis: Axis): Dim => ({ size, axis });
export const shape = (...dims: Dim[]): TensorShape => [{ times: [], dims }];
