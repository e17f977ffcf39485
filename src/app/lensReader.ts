import type { LensReading } from '../engine/lens';

/** The logit lens and embedding neighbours as the views ask for them: computed in the engine worker, where W_E (and
 * an untied W_U) stay. */
export interface LensReader {
  read: (vectors: Float32Array[], top: number) => Promise<LensReading[] | null>;
  neighbours: (vector: Float32Array, k: number, exclude: number) => Promise<{ id: number; similarity: number }[]>;
}
