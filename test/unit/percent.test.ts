import { describe, expect, it } from 'vitest';
import { percentText } from '../../visualizations/scales';

describe('percentText', () => {
  it('writes 3 significant digits, and a bound instead of an exponent below 0.01 %', () => {
    expect(percentText(0.397)).toBe('39.7%');
    expect(percentText(0.00058)).toBe('0.0580%');
    expect(percentText(0.000058)).toBe('<0.01%');
    expect(percentText(8.31e-10)).toBe('<0.01%');
    expect(percentText(0)).toBe('0.00%');
    expect(percentText(1)).toBe('100%');
  });
});
