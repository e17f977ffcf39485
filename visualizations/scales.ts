import { scaleDiverging, scaleSequential } from 'd3-scale';
import { interpolateBlues, interpolateRdBu } from 'd3-scale-chromatic';

/** Probabilities and attention weights: one sequential scale from 0 to 1 (colour-blind safe). */
export const probabilityColor = scaleSequential(interpolateBlues).domain([0, 1]).clamp(true);

/** Activations, logits, scores: one diverging scale centred on 0, symmetric around the largest magnitude
 * (red below 0, blue above; colour-blind safe). */
export function divergingColor(extent: number) {
  const m = Math.max(Math.abs(extent), 1e-9);
  return scaleDiverging((t: number) => interpolateRdBu(t)).domain([-m, 0, m]).clamp(true);
}

/** 3 significant digits on screen; full precision goes into titles and exports. */
export function formatValue(value: number): string {
  if (value === -Infinity) return '−∞';
  if (value === Infinity) return '∞';
  if (Number.isNaN(value)) return '–';
  return value.toPrecision(3);
}

export function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) max = Math.max(max, Math.abs(values[i]!));
  return max;
}

/** A label cut to `max` characters (with …) where space is short; the full label stays in titles. */
export function shortLabel(label: string, max = 6): string {
  const chars = [...label];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : label;
}
