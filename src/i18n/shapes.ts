import type { Dim, TensorShape } from '../engine/tensorShape';
import type { MessageKey, Translate } from './index.svelte';

/** How a shape is written: `full` names every axis ("[7 positions × 4 heads × 40 dims]"), for captions and details;
 * `compact` gives the sizes alone ("[7×4×40]"), for the chart's label beside a box, which has little room and
 * carries the full form as its tooltip. */
export type ShapeStyle = 'full' | 'compact';

function axisText(d: Dim, t: Translate): string {
  if (d.axis === 'count') return String(d.size);
  const one = `shape.${d.axis}.one` as MessageKey;
  // (An axis without a singular form, "词表中的 1 个词元", reads the same either way.)
  return d.size === 1 && t(one) !== one ? t(one) : t(`shape.${d.axis}` as MessageKey, { n: d.size });
}

/** A shape in the page's language: its multipliers, then its dims in brackets; terms added with " + ". */
export function formatShape(shape: TensorShape, t: Translate, style: ShapeStyle = 'full'): string {
  const join = style === 'full' ? ' × ' : '×';
  const text = (d: Dim) => (style === 'full' ? axisText(d, t) : String(d.size));
  return shape.map(({ times, dims }) => [...times.map(text), `[${dims.map(text).join(join)}]`].join(join)).join(' + ');
}
