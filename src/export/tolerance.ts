import type { ActivationRounding } from '../engine/models/precision';

/** How far the script lets a captured tensor's row be from transformers' float32 recomputation, relative to the
 * row's largest magnitude (at least 1), by the coarsest rounding the graph's activations go through (the probe reads
 * it from the graph). Measured on the test fixtures (test/model/reproduce.test.ts) and set well above: float32
 * activations (fp32, and q4, whose 4-bit weights are read back exactly) differ by the order of additions (up to
 * 2e-6); float16 activations (fp16, q4f16) are rounded to 11 significant bits (2e-3); a q8 graph also rounds each
 * pass's activations to 8 bits, with a scale of its own per pass (0.031). docs/reproduce.md. */
export function toleranceFor(rounding: ActivationRounding): number {
  switch (rounding) {
    case 'float32':
      return 1e-4;
    case 'float16':
      return 2e-2;
    case 'int8':
      return 0.1;
  }
}
