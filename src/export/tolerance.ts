import type { Dtype } from '../engine/models/precision';

/** How far the script lets a captured tensor be from transformers' float32 recomputation, relative to the tensor's
 * largest magnitude (at least 1). Measured on the test fixtures (test/model/reproduce.test.ts) and set well above:
 * float32 graphs differ by the order of additions (up to 2e-6); a q4 graph's 4-bit weights are read back exactly
 * and its activations are float32 (7e-7); fp16 rounds every activation to 11 significant bits (7e-4); a q8 graph
 * also rounds each pass's activations to 8 bits, with a scale of its own per pass (0.018). docs/reproduce.md. */
export function toleranceFor(dtype: Dtype | null): number {
  switch (dtype ?? 'fp32') {
    case 'fp32':
    case 'q4':
      return 1e-4;
    case 'fp16':
    case 'q4f16':
      return 2e-2;
    default:
      return 0.1;
  }
}
