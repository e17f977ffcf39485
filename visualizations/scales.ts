import { scaleDiverging, scaleSequential } from 'd3-scale';
import { interpolateBlues, interpolateRdBu } from 'd3-scale-chromatic';

/** Probabilities and attention weights: one sequential scale from 0 to 1 (colour-blind safe). */
export const probabilityColor = scaleSequential(interpolateBlues).domain([0, 1]).clamp(true);

/** Activations, logits, scores: one diverging scale centred on 0, symmetric around the largest magnitude
 * (red below 0, blue above; colour-blind safe). */
export function divergingColor(extent: number) {
  const m = Math.max(Math.abs(extent), 1e-9);
  return scaleDiverging((t: number) => interpolateRdBu(t))
    .domain([-m, 0, m])
    .clamp(true);
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

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;
/** A label's width in monospace type of `fontSize` px, without a browser to measure it: CJK characters are a full
 * em wide, the rest 0.6 em (emoji count as wide too). */
export function textWidth(text: string, fontSize = 12): number {
  let width = 0;
  for (const char of text) width += WIDE.test(char) || char.codePointAt(0)! > 0xffff ? fontSize : 0.6 * fontSize;
  return width;
}

/** A label's length set vertically (`writing-mode: vertical-rl`, mixed orientation): Latin letters lie on their
 * side and take their usual 0.6 em; CJK characters, and the symbols that also stand upright (␣, arrows, boxes),
 * take a full em. Anything from U+2100 on counts as upright, so the estimate errs long, never short. */
export function verticalTextWidth(text: string, fontSize = 12): number {
  let length = 0;
  for (const char of text) length += char.codePointAt(0)! >= 0x2100 ? fontSize : 0.6 * fontSize;
  return length;
}

/** A label cut (with …) to fit `width` px of `fontSize` px monospace type; the full label belongs in a title. */
export function fitLabel(
  label: string,
  width: number,
  fontSize = 12,
  measure: (text: string, fontSize: number) => number = textWidth,
): string {
  if (measure(label, fontSize) <= width) return label;
  let cut = '';
  for (const char of label) {
    if (measure(`${cut}${char}…`, fontSize) > width) break;
    cut += char;
  }
  return `${cut}…`;
}

/** The views' type size in px: the container's `--view-text` (12 on the page, larger on a projector), else 12.
 * Renderers lay out their labels for it. */
export function viewTextSize(container: Element): number {
  const value = typeof getComputedStyle === 'function' ? parseFloat(getComputedStyle(container).getPropertyValue('--view-text')) : NaN;
  return Number.isFinite(value) && value > 0 ? value : 12;
}

/** A label broken into lines of at most `width` px of `fontSize` px monospace type, at spaces where it can be,
 * else between characters: nothing is left out (for labels that must be shown whole, as wrapping text). */
export function wrapLabel(label: string, width: number, fontSize = 12): string[] {
  const lines: string[] = [];
  let line = '';
  const push = () => {
    if (line.trim()) lines.push(line.trim());
    line = '';
  };
  for (const word of label.split(/(?<= )/)) {
    if (textWidth(`${line}${word}`.trimEnd(), fontSize) <= width) {
      line += word;
      continue;
    }
    push();
    // A word longer than a line is cut into pieces of about equal length (“␣beau tiful”, not “␣beautifu l”).
    const pieces = Math.ceil(textWidth(word.trimEnd(), fontSize) / width);
    const limit = Math.min(width, textWidth(word.trimEnd(), fontSize) / pieces + 0.01);
    for (const char of word) {
      if (line && textWidth(`${line}${char}`.trimEnd(), fontSize) > limit) push();
      line += char;
    }
  }
  push();
  return lines.length ? lines : [label];
}

/** A probability as a percentage with 3 significant digits; below 0.01 % it says so instead of writing an
 * exponent or a bar of "0.00%" ("8.31e-8%" reads as noise to a learner). Every percentage on screen uses it. */
export function percentText(probability: number): string {
  const percent = 100 * probability;
  if (percent > 0 && percent < 0.01) return '<0.01%';
  return `${percent.toPrecision(3)}%`;
}

/** The colour of each named head role (previous-token, duplicate-token, induction): badges and their key. Not blue
 * (the attention thumbnails are), and dark enough for white text. */
export const ROLE_COLORS: Readonly<Record<string, string>> = { previous: '#b35806', duplicate: '#7b4f9d', induction: '#c0392b' };
