import { onnx } from 'onnx-proto';
import { EngineError } from '../errors';
import { externalBytes, type GraphIndex } from './graph';

/** A piece of a graph cut out to recompute a few of its tensors: a layer from its residual stream, instead of the
 * whole model from the ids. */
export interface GraphSegment {
  /** A model holding only the nodes between the cut and the outputs, and only the weights those nodes read. */
  bytes: Uint8Array;
  /** The tensors the caller feeds in place of the nodes that made them (a subset of the cut: those reached). */
  cutInputs: string[];
}

/** The nodes that compute `outputs` once each tensor in `cut` is given, with the graph inputs and initializers they
 * read. Walking back from the outputs stops at the cut, at graph inputs and at initializers; the nodes keep the
 * graph's order, which is topological. Weights kept in external data files are copied in, so the segment is one
 * self-contained model. `cutType` is the element type of the cut tensors (the graph's activations). */
export function extractSegment(
  index: GraphIndex,
  cut: readonly string[],
  outputs: readonly string[],
  cutType: 'float32' | 'float16',
  loaded: ReadonlyMap<string, Uint8Array> = new Map(),
): GraphSegment {
  const graph = index.model.graph!;
  const { kept, reachedCut, reachedInputs, reachedInitializers } = walk(index, cut, outputs);
  const elemType = cutType === 'float16' ? onnx.TensorProto.DataType.FLOAT16 : onnx.TensorProto.DataType.FLOAT;
  const cutInputs = cut.filter((name) => reachedCut.has(name));
  const graphInputs = (graph.input ?? []).filter((value) => reachedInputs.has(value.name ?? ''));
  const initializers = (graph.initializer ?? [])
    .filter((tensor) => reachedInitializers.has(tensor.name ?? ''))
    .map((tensor) => inlined(index, tensor, loaded.get(tensor.name ?? '')));
  const segment = onnx.ModelProto.create({
    irVersion: index.model.irVersion,
    opsetImport: index.model.opsetImport,
    producerName: 'transformer-flow segment',
    graph: onnx.GraphProto.create({
      name: 'segment',
      node: index.nodes.filter((node) => kept.has(node)),
      initializer: initializers,
      input: [...cutInputs.map((name) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType } } })), ...graphInputs],
      output: outputs.map((name) => onnx.ValueInfoProto.create({ name })),
    }),
  });
  return { bytes: onnx.ModelProto.encode(segment).finish(), cutInputs };
}

/** The initializers a segment reads (to fetch the spilled ones before it is cut). */
export function segmentInitializers(index: GraphIndex, cut: readonly string[], outputs: readonly string[]): onnx.ITensorProto[] {
  const { reachedInitializers } = walk(index, cut, outputs);
  return (index.model.graph!.initializer ?? []).filter((tensor) => reachedInitializers.has(tensor.name ?? ''));
}

/** Walks back from the outputs to the cut, the graph inputs and the initializers. */
function walk(index: GraphIndex, cut: readonly string[], outputs: readonly string[]) {
  const cutSet = new Set(cut);
  const kept = new Set<onnx.INodeProto>();
  const reachedCut = new Set<string>();
  const reachedInputs = new Set<string>();
  const reachedInitializers = new Set<string>();
  const pending = [...outputs];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const tensor = pending.pop()!;
    if (tensor === '' || seen.has(tensor)) continue;
    seen.add(tensor);
    if (cutSet.has(tensor)) reachedCut.add(tensor);
    else if (index.initializers.has(tensor)) reachedInitializers.add(tensor);
    else if (index.inputs.has(tensor)) reachedInputs.add(tensor);
    else {
      const node = index.producer.get(tensor);
      if (!node) throw new EngineError('internal', { detail: `segment: no producer for ${tensor}` });
      // A node with a subgraph (If, Loop) may read outer tensors its inputs do not list: not cut apart here.
      if ((node.attribute ?? []).some((attribute) => attribute.g || (attribute.graphs?.length ?? 0) > 0)) {
        throw new EngineError('internal', { detail: `segment: ${node.opType} holds a subgraph` });
      }
      kept.add(node);
      pending.push(...(node.input ?? []));
    }
  }
  return { kept, reachedCut, reachedInputs, reachedInitializers };
}

/** An initializer's size as stored: raw bytes, an external file's `length`, or typed fields (4 bytes a number). */
export function storedBytes(tensor: onnx.ITensorProto): number {
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
    return Number(tensor.externalData?.find((item) => item.key === 'length')?.value ?? 0);
  if (tensor.rawData && tensor.rawData.length > 0) return tensor.rawData.length;
  return (
    4 * ((tensor.floatData?.length ?? 0) + (tensor.int32Data?.length ?? 0)) +
    8 * ((tensor.int64Data?.length ?? 0) + (tensor.doubleData?.length ?? 0))
  );
}

/** An initializer with its values in `rawData`: one stored in an external file (or spilled: `loaded`, read back from
 * its source) is copied out of it. */
function inlined(index: GraphIndex, tensor: onnx.ITensorProto, loaded?: Uint8Array): onnx.ITensorProto {
  if (tensor.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) return tensor;
  const bytes = loaded ?? externalBytes(index, tensor);
  if (!bytes) throw new EngineError('internal', { detail: `segment: external data of ${tensor.name} not loaded` });
  return { ...tensor, dataLocation: onnx.TensorProto.DataLocation.DEFAULT, externalData: [], rawData: bytes };
}
