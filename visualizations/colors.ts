import { color } from 'd3-color';
import { schemeTableau10 } from 'd3-scale-chromatic';

/** One colour per token position, used everywhere a token appears (chips, bars, heatmap axes). */
export function tokenColor(position: number): string {
  return schemeTableau10[position % schemeTableau10.length]!;
}

/** The token's colour, darkened enough to be read as text on white (light hues such as yellow are not). */
export function tokenTextColor(position: number): string {
  return color(tokenColor(position))?.darker(0.9).formatHex() ?? '#1f2933';
}
