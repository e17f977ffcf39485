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
import { extractSegment, segmentInitializers, storedBytes, type GraphSegment } from './segment';
import type { ByteSource } from '../models/byteSource';
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
   * residual stream); null when its weights would exceed `budget` of all the graph's (nothing is read then). */
  segment: (
    cut: readonly string[],
    outputs: readonly string[],
    budget?: (graphWeightBytes: number) => number,
  ) => Promise<GraphSegment | null>;
  /** The probed graph with none of the capture points among its outputs (the intervention's inputs kept), and the
   * external weights it reads: what the same computation costs when nothing is looked at. Made when asked. */
  plain: () => Promise<{ bytes: Uint8Array; externalData: readonly ExternalDataFile[] }>;
  /** Lets the file's weights go once the sessions hold them (docs/memory.md): each weight is marked as stored at its
   * place in the file, read again from `sourceOf(file)` when a segment or the plain graph needs it. A file with no
   * source keeps its bytes. `sourceOf` is asked for GRAPH_FILE (the graph's own file) and each external data file. */
  spill: (sourceOf: (file: string) => ByteSource | null, minBytes?: number) => void;
}

/** The location a spilled weight of the graph's own file names (external data files keep their own names). */
export const GRAPH_FILE = '#graph';
/** Weights smaller than this stay in memory (shapes, scales, norms: many, small, and read by the probe's checks). */
const SPILL_MIN_BYTES = 4096;

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
  // Where each large weight lies in the file (the decoded weights are views of its bytes): numbers only, so nothing
  // here keeps the file itself once the weights are spilled.
  const inFile = placesInFile(index, bytes);
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
  const sources = new Map<string, ByteSource>();
  const weightBytes = (tensors: readonly onnx.ITensorProto[]) => tensors.reduce((sum, tensor) => sum + storedBytes(tensor), 0);
  // All the graph's weights, as stored (spilling keeps each weight's length): counted once, when first cut.
  let graphWeightBytes: number | null = null;
  const segment = async (cut: readonly string[], outputs: readonly string[], budget?: (graphWeightBytes: number) => number) => {
    probedIndex ??= { ...indexGraph(index.model), externalData: index.externalData };
    graphWeightBytes ??= weightBytes(index.model.graph!.initializer ?? []);
    const needed = segmentInitializers(probedIndex, cut, outputs);
    if (budget && weightBytes(needed) > budget(graphWeightBytes)) return null;
    return extractSegment(probedIndex, cut, outputs, pastType, await readSpilled(index, sources, needed));
  };
  const rounding: ActivationRounding = index.nodes.some((node) => DYNAMIC_QUANTIZATION.has(node.opType ?? '')) ? 'int8' : pastType;
  const plain = async () => {
    // The capture points were appended after the graph's own outputs: encoded without them for a moment, with any
    // spilled weight read back into the model for that moment.
    const graph = index.model.graph!;
    const outputs = graph.output!;
    const loaded = await readSpilled(index, sources, graph.initializer ?? []);
    const spilled = (graph.initializer ?? []).filter((tensor) => loaded.has(tensor.name ?? ''));
    const marks = spilled.map((tensor) => ({ tensor, location: tensor.dataLocation, externalData: tensor.externalData }));
    graph.output = outputs.slice(0, originalOutputs.length);
    for (const tensor of spilled) Object.assign(tensor, inline(tensor, loaded.get(tensor.name ?? '')!));
    try {
      const externalData = [...index.externalData].map(([path, data]) => ({ path, data }));
      return { bytes: onnx.ModelProto.encode(index.model).finish(), externalData };
    } finally {
      graph.output = outputs;
      for (const { tensor, location, externalData } of marks)
        Object.assign(tensor, { dataLocation: location, externalData, rawData: NO_BYTES });
    }
  };
  const spill = (sourceOf: (file: string) => ByteSource | null, minBytes = SPILL_MIN_BYTES) => {
    const graphSource = sourceOf(GRAPH_FILE);
    if (graphSource) {
      sources.set(GRAPH_FILE, graphSource);
      for (const tensor of index.model.graph!.initializer ?? []) {
        const place = inFile.get(tensor.name ?? '');
        if (!place || place.length < minBytes) continue;
        tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
        tensor.externalData = [
          { key: 'location', value: GRAPH_FILE },
          { key: 'offset', value: String(place.offset) },
          { key: 'length', value: String(place.length) },
        ];
        tensor.rawData = NO_BYTES;
      }
      inFile.clear();
      // What stays (small weights, constants inside nodes) is copied out of the file: one view of it would keep the
      // whole file in memory.
      detachViews(index.model.graph!);
    }
    const initializers = index.model.graph!.initializer ?? [];
    const located = (tensor: onnx.ITensorProto, key: string) => tensor.externalData?.find((item) => item.key === key)?.value;
    for (const path of [...index.externalData.keys()]) {
      // (A weight that names no length runs to the file's end, which a part read cannot know.)
      if (initializers.some((tensor) => located(tensor, 'location') === path && located(tensor, 'length') === undefined)) continue;
      const source = sourceOf(path);
      if (!source) continue;
      sources.set(path, source);
      index.externalData.delete(path);
    }
  };
  return {
    bytes: augmented,
    points,
    inputNames,
    outputNames: originalOutputs,
    lens,
    pastType,
    parameters,
    rounding,
    segment,
    plain,
    spill,
  };
}

const NO_BYTES = new Uint8Array(0);

/** Copies every tensor's raw bytes that are a view into a larger buffer (the decoded file), in a graph and the
 * graphs its nodes hold. */
function detachViews(graph: onnx.IGraphProto): void {
  // (Only fields that hold bytes are touched: setting an unset field would add it to the encoded model.)
  const isView = (bytes: Uint8Array | null | undefined): bytes is Uint8Array =>
    bytes instanceof Uint8Array && bytes.byteLength > 0 && bytes.byteLength < bytes.buffer.byteLength;
  const copy = (bytes: Uint8Array) => (isView(bytes) ? bytes.slice() : bytes);
  const detach = (tensor: onnx.ITensorProto | null | undefined) => {
    if (!tensor) return;
    if (isView(tensor.rawData)) tensor.rawData = tensor.rawData.slice();
    if (tensor.stringData?.some(isView)) tensor.stringData = tensor.stringData.map(copy);
  };
  const detachSparse = (sparse: onnx.ISparseTensorProto | null | undefined) => {
    detach(sparse?.values);
    detach(sparse?.indices);
  };
  for (const tensor of graph.initializer ?? []) detach(tensor);
  for (const sparse of graph.sparseInitializer ?? []) detachSparse(sparse);
  for (const node of graph.node ?? [])
    for (const attribute of node.attribute ?? []) {
      if (isView(attribute.s)) attribute.s = attribute.s.slice();
      if (attribute.strings?.some(isView)) attribute.strings = attribute.strings.map(copy);
      detach(attribute.t);
      for (const tensor of attribute.tensors ?? []) detach(tensor);
      detachSparse(attribute.sparseTensor);
      for (const sparse of attribute.sparseTensors ?? []) detachSparse(sparse);
      if (attribute.g) detachViews(attribute.g);
      for (const subgraph of attribute.graphs ?? []) detachViews(subgraph);
    }
}

/** The offset and length in `bytes` (the file) of each weight stored raw in it. */
function placesInFile(index: GraphIndex, bytes: Uint8Array): Map<string, { offset: number; length: number }> {
  const places = new Map<string, { offset: number; length: number }>();
  for (const tensor of index.model.graph!.initializer ?? []) {
    const raw = tensor.rawData;
    if (!raw || raw.length === 0 || raw.buffer !== bytes.buffer) continue;
    places.set(tensor.name ?? '', { offset: raw.byteOffset - bytes.byteOffset, length: raw.length });
  }
  return places;
}

/** An initializer with `bytes` as its raw data, stored in the model. */
function inline(tensor: onnx.ITensorProto, bytes: Uint8Array): onnx.ITensorProto {
  return { dataLocation: onnx.TensorProto.DataLocation.DEFAULT, externalData: [], rawData: bytes, name: tensor.name };
}

/** The bytes of those of `tensors` stored where the index holds no bytes (spilled weights, external files let go),
 * read from their sources; by initializer name. */
async function readSpilled(
  index: GraphIndex,
  sources: ReadonlyMap<string, ByteSource>,
  tensors: readonly onnx.ITensorProto[],
): Promise<Map<string, Uint8Array>> {
  // By file, in file order; weights lying close together (a layer's are stored side by side) come in one read.
  const wanted = new Map<string, { name: string; offset: number; length: number }[]>();
  for (const tensor of tensors) {
    if (tensor.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const entry = (key: string) => tensor.externalData?.find((item) => item.key === key)?.value ?? '';
    const location = entry('location');
    if (index.externalData.has(location) || !sources.has(location)) continue;
    const list = wanted.get(location) ?? [];
    list.push({ name: tensor.name ?? '', offset: Number(entry('offset') || 0), length: Number(entry('length')) });
    wanted.set(location, list);
  }
  const loaded = new Map<string, Uint8Array>();
  for (const [location, list] of wanted) {
    list.sort((a, b) => a.offset - b.offset);
    for (let first = 0; first < list.length;) {
      let last = first;
      while (last + 1 < list.length && list[last + 1]!.offset - (list[last]!.offset + list[last]!.length) <= READ_GAP_BYTES) last++;
      const start = list[first]!.offset;
      const end = Math.max(...list.slice(first, last + 1).map((item) => item.offset + item.length));
      const part = await sources.get(location)!.read(start, end - start);
      for (const item of list.slice(first, last + 1))
        loaded.set(item.name, part.subarray(item.offset - start, item.offset - start + item.length));
      first = last + 1;
    }
  }
  return loaded;
}

/** Two weights at most this far apart in a file are read together (one request, a little read for nothing). */
const READ_GAP_BYTES = 1 << 20;

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
  // (A copy: a view would keep the whole file in memory after its weights are spilled.)
  const codes = initializerCodes(index, name)?.slice() ?? null;
  const scale = initializerValues(index, dequantize.input?.[1] ?? '');
  const zeroPoint = dequantize.input?.[2] ? initializerValues(index, dequantize.input[2]) : new Float32Array(1);
  if (!codes || scale?.length !== 1 || zeroPoint?.length !== 1) return null;
  return { codes, scale: scale[0]!, zeroPoint: zeroPoint[0]! };
}
