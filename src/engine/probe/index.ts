import type { Architecture, ModelConfig } from '../models/config';
import type { ActivationRounding } from '../models/precision';
import { onnx } from 'onnx-proto';
import { EngineError } from '../errors';
import type { CapturePoint } from './capturePoints';
import type { LensParameters } from '../lens';
import type { ExternalDataFile } from '../models/externalData';
import { gpt2CapturePoints, gpt2LensInitializers } from './gpt2';
import { llamaCapturePoints, llamaLensInitializers } from './llama';
import { qwen2CapturePoints, qwen3CapturePoints } from './qwen';
import { decodeModel, indexGraph, initializerCodes, initializerValues, withExtraOutputs, type GraphIndex } from './graph';
import { rowCount, type TokenRows } from '../tokenRows';
import { addInterventionInputs } from './intervention';
import { readUnembedding } from './unembedding';
import { extractSegment, type GraphSegment } from './segment';
import { countParameters } from './parameters';

export interface ProbedGraph {
  /** The graph with every capture point added to its outputs. */
  bytes: Uint8Array;
  points: CapturePoint[];
  inputNames: string[];
  outputNames: string[];
  /** The final norm, W_E and (untied) the lm_head's matrix, for the logit lens; null when the graph does not
   * expose them. */
  lens: LensParameters | null;
  /** The type of the past keys and values the graph takes (and of its activations): float16 in an fp16 graph. */
  pastType: 'float32' | 'float16';
  /** How many parameters the graph's weights hold (parameters.ts). */
  parameters: number;
  /** The coarsest rounding its activations go through (a KV-cache check's differences are measured against it). */
  rounding: ActivationRounding;
  /** Cuts a piece out of the probed graph: the nodes computing `outputs` from the tensors of `cut` (a layer from its
   * residual stream). */
  segment: (cut: readonly string[], outputs: readonly string[]) => GraphSegment;
  /** The probed graph with none of the capture points among its outputs (the intervention's inputs kept), and the
   * external weights it reads: what the same computation costs when nothing is looked at. Made when asked. */
  plain: () => { bytes: Uint8Array; externalData: readonly ExternalDataFile[] };
}

/** The operators that round a matrix product's input to 8-bit steps taken from the numbers of the pass itself. */
const DYNAMIC_QUANTIZATION = new Set(['DynamicQuantizeLinear', 'DynamicQuantizeMatMul']);

/** The capture rules of each architecture (the one place the probe looks at the model type). */
const CAPTURE_RULES: Record<Architecture, (index: GraphIndex, config: ModelConfig) => CapturePoint[]> = {
  gpt2: gpt2CapturePoints,
  llama: llamaCapturePoints,
  qwen2: qwen2CapturePoints,
  qwen3: qwen3CapturePoints,
};

/** Finds the capture points of a model's graph and returns the graph with them as extra outputs. */
export function probe(bytes: Uint8Array, file: string, config: ModelConfig, externalData: readonly ExternalDataFile[] = []): ProbedGraph {
  const index = indexGraph(decodeModel(bytes, file), externalData);
  // Counted before probing adds the intervention's inputs and nodes.
  const parameters = countParameters(index, config);
  const found = namingArchitecture(config, () => CAPTURE_RULES[config.architecture](index, config));
  const originalOutputs = (index.model.graph!.output ?? []).map((value) => value.name ?? '');
  const lens = lensParameters(index, config);
  const past = (index.model.graph!.input ?? []).find((value) => (value.name ?? '').startsWith('past_key_values.'));
  const pastType = past?.type?.tensorType?.elemType === onnx.TensorProto.DataType.FLOAT16 ? 'float16' : 'float32';
  // Every graph takes the intervention inputs (scales all 1, offsets 0, unless the learner switches a head or an MLP off).
  const points = addInterventionInputs(index, found, config.nLayer, config.nHead, config.dHead, config.dModel, pastType);
  const inputNames = (index.model.graph!.input ?? []).map((value) => value.name ?? '');
  const augmented = withExtraOutputs(index, new Set(points.map((point) => point.tensor)));
  // Indexed again, once, when first cut: probing added nodes and inputs (the intervention's) after the first index.
  let probedIndex: GraphIndex | null = null;
  const segment = (cut: readonly string[], outputs: readonly string[]) => {
    probedIndex ??= { ...indexGraph(index.model), externalData: index.externalData };
    return extractSegment(probedIndex, cut, outputs, pastType);
  };
  const rounding: ActivationRounding = index.nodes.some((node) => DYNAMIC_QUANTIZATION.has(node.opType ?? '')) ? 'int8' : pastType;
  const plain = () => {
    // The capture points were appended after the graph's own outputs: encoded without them for a moment.
    const graph = index.model.graph!;
    const outputs = graph.output!;
    graph.output = outputs.slice(0, originalOutputs.length);
    try {
      const externalData = [...index.externalData].map(([path, data]) => ({ path, data }));
      return { bytes: onnx.ModelProto.encode(index.model).finish(), externalData };
    } finally {
      graph.output = outputs;
    }
  };
  return { bytes: augmented, points, inputNames, outputNames: originalOutputs, lens, pastType, parameters, rounding, segment, plain };
}

/** A capture point that cannot be found means the graph is not the model its config describes: the message names
 * that architecture (it must not say "GPT-2" for a Llama graph). */
function namingArchitecture<T>(config: ModelConfig, find: () => T): T {
  try {
    return find();
  } catch (error) {
    if (error instanceof EngineError && error.code === 'probe-missing')
      throw new EngineError('probe-missing', { ...error.params, architecture: config.architecture });
    throw error;
  }
}

function lensParameters(index: GraphIndex, config: ModelConfig): LensParameters | null {
  const lens = config.architecture === 'gpt2' ? gpt2Lens(index, config) : llamaLens(index, config);
  if (!lens || config.tieWordEmbeddings) return lens?.parameters ?? null;
  // An untied model's lm_head is a matrix of its own: the lens uses it, read from the graph in whatever precision
  // the file stores it. Where it cannot be read, no lens rather than one computed with W_E, which the model never
  // multiplies by.
  const unembedding = readUnembedding(index, lens.embeddingName, config.vocabSize, config.dModel);
  if (!unembedding) return null;
  return unembedding.tied ? lens.parameters : { ...lens.parameters, unembedding: unembedding.matrix };
}

type FoundLens = { parameters: LensParameters; embeddingName: string } | null;

function llamaLens(index: GraphIndex, config: ModelConfig): FoundLens {
  const names = llamaLensInitializers(index);
  const lnWeight = names && initializerValues(index, names.lnWeight);
  const embedding = names && embeddingValues(index, names.embedding);
  if (!names || !lnWeight || !embedding || rowCount(embedding, config.dModel) !== config.vocabSize) return null;
  const parameters: LensParameters = {
    norm: 'rmsnorm',
    lnWeight,
    lnBias: new Float32Array(lnWeight.length),
    embedding,
    epsilon: config.layerNormEpsilon,
    vocabSize: config.vocabSize,
    dModel: config.dModel,
  };
  return { parameters, embeddingName: names.embedding };
}

function gpt2Lens(index: GraphIndex, config: ModelConfig): FoundLens {
  const names = gpt2LensInitializers(index, config);
  if (!names) return null;
  const lnWeight = initializerValues(index, names.lnWeight);
  const lnBias = initializerValues(index, names.lnBias);
  const embedding = embeddingValues(index, names.embedding);
  if (!lnWeight || !lnBias || !embedding || rowCount(embedding, config.dModel) !== config.vocabSize) return null;
  return {
    parameters: {
      norm: 'layernorm',
      lnWeight,
      lnBias,
      embedding,
      epsilon: names.epsilon,
      vocabSize: config.vocabSize,
      dModel: config.dModel,
    },
    embeddingName: names.embedding,
  };
}

/** The token embedding W_E, whatever precision the file stores it in: float32, float16 (fp16 graphs, widened to
 * float32), or 8-bit integers that a DequantizeLinear after the Gather turns back into numbers (q8 graphs: (q − zero
 * point) · scale, one scale for the whole matrix as quantize_dynamic writes it), kept as those codes. */
function embeddingValues(index: GraphIndex, name: string): TokenRows | null {
  const gather = (index.consumers.get(name) ?? []).find((node) => node.opType === 'Gather');
  const dequantize = (index.consumers.get(gather?.output?.[0] ?? '') ?? []).find((node) => node.opType === 'DequantizeLinear');
  if (!dequantize) return initializerValues(index, name);
  const codes = initializerCodes(index, name);
  const scale = initializerValues(index, dequantize.input?.[1] ?? '');
  const zeroPoint = dequantize.input?.[2] ? initializerValues(index, dequantize.input[2]) : new Float32Array(1);
  if (!codes || scale?.length !== 1 || zeroPoint?.length !== 1) return null;
  return { codes, scale: scale[0]!, zeroPoint: zeroPoint[0]! };
}
