/** A matrix of the model's weights, one row per token ([vocab × d_model]), kept as the file stores it: float32
 * values, or (a q8 graph's token embedding) 8-bit codes with one scale and zero point for the whole matrix, a value
 * being (code − zero point) · scale: a quarter of the memory (Qwen2.5-0.5B's W_E: 136 MB instead of 545). */
export type TokenRows = Float32Array | QuantizedRows;

export interface QuantizedRows {
  codes: Uint8Array | Int8Array;
  scale: number;
  zeroPoint: number;
}

/** How many rows of `columns` values the matrix holds. */
export function rowCount(matrix: TokenRows, columns: number): number {
  return (matrix instanceof Float32Array ? matrix.length : matrix.codes.length) / columns;
}

/** Row `row` · `x` (float64 sums). */
export function rowDot(matrix: TokenRows, row: number, x: ArrayLike<number>, columns: number): number {
  const start = row * columns;
  let sum = 0;
  if (matrix instanceof Float32Array) {
    for (let i = 0; i < columns; i++) sum += x[i]! * matrix[start + i]!;
    return sum;
  }
  const { codes, zeroPoint, scale } = matrix;
  for (let i = 0; i < columns; i++) sum += x[i]! * (codes[start + i]! - zeroPoint);
  return sum * scale;
}

/** The length (L2 norm) of row `row`. */
export function rowNorm(matrix: TokenRows, row: number, columns: number): number {
  const start = row * columns;
  let sum = 0;
  if (matrix instanceof Float32Array) {
    for (let i = 0; i < columns; i++) sum += matrix[start + i]! ** 2;
    return Math.sqrt(sum);
  }
  const { codes, zeroPoint, scale } = matrix;
  for (let i = 0; i < columns; i++) sum += (codes[start + i]! - zeroPoint) ** 2;
  return Math.sqrt(sum) * Math.abs(scale);
}

/** The whole matrix as float32 numbers (a copy: for the page, and tests). */
export function matrixValues(matrix: TokenRows): Float32Array {
  if (matrix instanceof Float32Array) return matrix.slice();
  const { codes, zeroPoint, scale } = matrix;
  return Float32Array.from(codes, (code) => (code - zeroPoint) * scale);
}
