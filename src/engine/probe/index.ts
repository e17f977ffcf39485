import type { ModelConfig } from '../models/config';
import type { CapturePoint } from './capturePoints';
import type { LensParameters } from '../lens';
import { gpt2CapturePoints, gpt2LensInitializers } from './gpt2';
import { llamaCapturePoints, llamaLensInitializers } from './llama';
import { decodeModel, indexGraph, initializerValues, withExtraOutputs, type GraphIndex } from './graph';

export interface ProbedGraph {
  /** The graph with every capture point added to its outputs. */
  bytes: Uint8Array;
  points: CapturePoint[];
  inputNames: string[];
  outputNames: string[];
  /** The final LayerNorm and W_E, for the logit lens; null when the graph does not expose them. */
  lens: LensParameters | null;
}

/** Finds the capture points of a model's graph and returns the graph with them as extra outputs. */
export function probe(bytes: Uint8Array, file: string, config: ModelConfig): ProbedGraph {
  const index = indexGraph(decodeModel(bytes, file));
  const points = config.architecture === 'llama' ? llamaCapturePoints(index, config) : gpt2CapturePoints(index, config);
  const inputNames = (index.model.graph!.input ?? []).map((value) => value.name ?? '');
  const originalOutputs = (index.model.graph!.output ?? []).map((value) => value.name ?? '');
  const lens = lensParameters(index, config);
  const augmented = withExtraOutputs(index, new Set(points.map((point) => point.tensor)));
  return { bytes: augmented, points, inputNames, outputNames: originalOutputs, lens };
}

function lensParameters(index: GraphIndex, config: ModelConfig): LensParameters | null {
  if (config.architecture === 'llama') {
    const names = llamaLensInitializers(index);
    const lnWeight = names && initializerValues(index, names.lnWeight);
    const embedding = names && initializerValues(index, names.embedding);
    if (!lnWeight || !embedding || embedding.length !== config.vocabSize * config.dModel) return null;
    return { norm: 'rmsnorm', lnWeight, lnBias: new Float32Array(lnWeight.length), embedding, epsilon: config.layerNormEpsilon, vocabSize: config.vocabSize, dModel: config.dModel };
  }
  const names = gpt2LensInitializers(index, config);
  if (!names) return null;
  const lnWeight = initializerValues(index, names.lnWeight);
  const lnBias = initializerValues(index, names.lnBias);
  const embedding = initializerValues(index, names.embedding);
  if (!lnWeight || !lnBias || !embedding || embedding.length !== config.vocabSize * config.dModel) return null;
  return { norm: 'layernorm', lnWeight, lnBias, embedding, epsilon: names.epsilon, vocabSize: config.vocabSize, dModel: config.dModel };
}
