/** A probability as a percentage with 3 significant digits; below 0.01 % it says so instead of writing an
 * exponent ("8.31e-8%" reads as noise to a learner). */
export function percentText(probability: number): string {
  const percent = 100 * probability;
  if (percent > 0 && percent < 0.01) return '<0.01%';
  return `${percent.toPrecision(3)}%`;
}
