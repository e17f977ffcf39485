import { schemeTableau10 } from 'd3-scale-chromatic';

/** One colour per token position, used everywhere a token appears (chips, bars, heatmap axes). */
export function tokenColor(position: number): string {
  return schemeTableau10[position % schemeTableau10.length]!;
}
