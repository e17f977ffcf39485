import type { ModelConfig } from '../models/config';
import type { CapturePoint } from './capturePoints';
import { gpt2CapturePoints } from './gpt2';
import { decodeModel, indexGraph, withExtraOutputs } from './graph';

export interface ProbedGraph {
  /** The graph with every capture point added to its outputs. */
  bytes: Uint8Array;
  points: CapturePoint[];
  inputNames: string[];
  outputNames: string[];
}

/** Finds the capture points of a model's graph and returns the graph with them as extra outputs. */
export function probe(bytes: Uint8Array, file: string, config: ModelConfig): ProbedGraph {
  const index = indexGraph(decodeModel(bytes, file));
  const points = gpt2CapturePoints(index, config);
  const inputNames = (index.model.graph!.input ?? []).map((value) => value.name ?? '');
  const originalOutputs = (index.model.graph!.output ?? []).map((value) => value.name ?? '');
  const augmented = withExtraOutputs(index, new Set(points.map((point) => point.tensor)));
  return { bytes: augmented, points, inputNames, outputNames: originalOutputs };
}
