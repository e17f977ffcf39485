// A q8 graph's token embedding kept as its 8-bit codes (src/engine/tokenRows.ts): every product and length read
// from the codes equals the one read from the dequantized float32 matrix.
import { describe, expect, it } from 'vitest';
import { matrixValues, rowCount, rowDot, rowNorm, type QuantizedRows } from '../../src/engine/tokenRows';
import { SeededRandom } from '../../src/engine/random';

describe('token rows kept as 8-bit codes', () => {
  const random = new SeededRandom(3);
  const columns = 16;
  const rows = 40;
  for (const signed of [false, true]) {
    it(`${signed ? 'int8' : 'uint8'} codes: row products, lengths and values equal the dequantized matrix's`, () => {
      const codes = signed
        ? Int8Array.from({ length: rows * columns }, () => Math.floor(random.next() * 256) - 128)
        : Uint8Array.from({ length: rows * columns }, () => Math.floor(random.next() * 256));
      const matrix: QuantizedRows = { codes, scale: 0.0173, zeroPoint: signed ? 3 : 131 };
      const values = matrixValues(matrix);
      expect(values[5]).toBe(Math.fround((codes[5]! - matrix.zeroPoint) * matrix.scale));
      expect(rowCount(matrix, columns)).toBe(rows);
      expect(rowCount(values, columns)).toBe(rows);
      const x = Float32Array.from({ length: columns }, () => random.next() * 2 - 1);
      for (let row = 0; row < rows; row++) {
        const slice = values.subarray(row * columns, (row + 1) * columns);
        const dot = slice.reduce((sum, value, i) => sum + value * x[i]!, 0);
        const length = Math.sqrt(slice.reduce((sum, value) => sum + value * value, 0));
        // (The float32 matrix rounds each value: 6e-8 of it.)
        expect(rowDot(matrix, row, x, columns)).toBeCloseTo(dot, 5);
        expect(rowNorm(matrix, row, columns)).toBeCloseTo(length, 5);
        expect(rowDot(values, row, x, columns)).toBeCloseTo(dot, 12);
        expect(rowNorm(values, row, columns)).toBeCloseTo(length, 12);
      }
    });
  }
});
