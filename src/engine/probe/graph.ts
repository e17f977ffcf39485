import { onnx } from 'onnx-proto';
import { EngineError } from '../errors';
import { float16ToFloat32 } from '../float16';
import type { ExternalDataFile } from '../models/externalData';

/** An ONNX graph with look-ups by tensor: who produces it, who consumes it. */
export interface GraphIndex {
  model: onnx.ModelProto;
  nodes: onnx.INodeProto[];
  producer: Map<string, onnx.INodeProto>;
  consumers: Map<string, onnx.INodeProto[]>;
  initializers: Set<string>;
  inputs: Set<string>;
  outputs: Set<string>;
  /** The files a large graph keeps its weights in, by the `location` its initializers name. */
  externalData: Map<string, Uint8Array>;
}

export function decodeModel(bytes: Uint8Array, file: string): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    throw new EngineError('model-not-onnx', { file });
  }
  if (!model.graph || !model.graph.node || model.graph.node.length === 0) {
    throw new EngineError('model-not-onnx', { file });
  }
  return model;
}

export function indexGraph(model: onnx.ModelProto, externalData: readonly ExternalDataFile[] = []): GraphIndex {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const producer = new Map<string, onnx.INodeProto>();
  const consumers = new Map<string, onnx.INodeProto[]>();
  for (const node of nodes) {
    for (const output of node.output ?? []) producer.set(output, node);
    for (const input of node.input ?? []) {
      if (!consumers.has(input)) consumers.set(input, []);
      consumers.get(input)!.push(node);
    }
  }
  return {
    model,
    nodes,
    producer,
    consumers,
    initializers: new Set((graph.initializer ?? []).map((tensor) => tensor.name ?? '')),
    inputs: new Set((graph.input ?? []).map((value) => value.name ?? '')),
    outputs: new Set((graph.output ?? []).map((value) => value.name ?? '')),
    externalData: new Map(externalData.map((file) => [file.path, file.data])),
  };
}

/** Nodes whose name lies inside a module scope, e.g. `/transformer/h.0/ln_1/`. */
export function nodesIn(index: GraphIndex, scope: string): onnx.INodeProto[] {
  return index.nodes.filter((node) => (node.name ?? '').startsWith(scope));
}

/** The tensor a module scope hands to the rest of the graph: produced inside, consumed outside (or a graph output).
 * Works whether a LayerNorm is one node (opset 17) or a chain of pieces (opset 14). */
export function scopeOutput(index: GraphIndex, scope: string): string | null {
  const inside = nodesIn(index, scope);
  const insideSet = new Set(inside);
  const candidates: string[] = [];
  for (const node of inside) {
    if (node.opType === 'Constant') continue; // shared constants are used across scopes; they are not results
    // Hugging Face's RMSNorm starts with `x.to(float32)`; torch records it as a Cast even when x is float32, and
    // the residual path reads that Cast's output: the scope's input passed through, not its result.
    if (node.opType === 'Cast' && !insideSet.has(index.producer.get(node.input?.[0] ?? '')!)) continue;
    // A q8 graph (onnxruntime's quantize_dynamic) quantizes each MatMul's input where it is made, named after it:
    // the quantized copy goes to the next MatMulInteger; the scope's result is its float input.
    if (node.opType === 'DynamicQuantizeLinear') continue;
    for (const output of node.output ?? []) {
      const users = index.consumers.get(output) ?? [];
      const leaves = (user: onnx.INodeProto) => !insideSet.has(user) || user.opType === 'DynamicQuantizeLinear';
      if (index.outputs.has(output) || users.some(leaves)) candidates.push(output);
    }
  }
  return candidates.length === 1 ? candidates[0]! : null;
}

/** Adds tensors to the graph's outputs (a ValueInfoProto with just the name is enough for onnxruntime). */
export function withExtraOutputs(index: GraphIndex, tensors: Iterable<string>): Uint8Array {
  const graph = index.model.graph!;
  for (const name of tensors) {
    if (!index.outputs.has(name)) graph.output!.push(onnx.ValueInfoProto.create({ name }));
  }
  return onnx.ModelProto.encode(index.model).finish();
}

/** An initializer's values as float32 numbers: float32 and float16 weights (fp16 graphs), and the integers of a
 * quantized one (q8: uint8 or int8, to be dequantized by the caller). Null when absent or of another type. */
export function initializerValues(index: GraphIndex, name: string): Float32Array | null {
  const tensor = (index.model.graph!.initializer ?? []).find((t) => t.name === name);
  if (!tensor) return null;
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : externalBytes(index, tensor);
  const bytes = raw ? raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) : null;
  switch (tensor.dataType ?? onnx.TensorProto.DataType.FLOAT) {
    case onnx.TensorProto.DataType.FLOAT:
      if (bytes) return new Float32Array(bytes);
      return tensor.floatData ? Float32Array.from(tensor.floatData) : null;
    case onnx.TensorProto.DataType.FLOAT16:
      // raw_data, or (the spec's other spelling) one 16-bit pattern per entry of int32_data
      return float16ToFloat32(bytes ? new Uint16Array(bytes) : Uint16Array.from(tensor.int32Data ?? []));
    case onnx.TensorProto.DataType.UINT8:
      return Float32Array.from(bytes ? new Uint8Array(bytes) : (tensor.int32Data ?? []));
    case onnx.TensorProto.DataType.INT8:
      return Float32Array.from(bytes ? new Int8Array(bytes) : (tensor.int32Data ?? []));
    default:
      return null;
  }
}

/** The bytes of an initializer kept in an external data file (`location`, `offset`, `length`), or null. */
export function externalBytes(index: GraphIndex, tensor: onnx.ITensorProto): Uint8Array | null {
  if (tensor.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) return null;
  const entry = (key: string) => tensor.externalData?.find((item) => item.key === key)?.value ?? null;
  const file = index.externalData.get(entry('location') ?? '');
  if (!file) return null;
  const offset = Number(entry('offset') ?? 0);
  const length = entry('length') === null ? file.length - offset : Number(entry('length'));
  return file.subarray(offset, offset + length);
}

/** How many elements an initializer holds (the product of its dims), or null when there is no such initializer. */
export function initializerSize(index: GraphIndex, name: string): number | null {
  const tensor = (index.model.graph!.initializer ?? []).find((t) => t.name === name);
  return tensor ? (tensor.dims ?? []).reduce<number>((size, dim) => size * Number(dim), 1) : null;
}

/** An 8-bit initializer's codes as stored, uint8 or int8, not widened to floats (a view of the file's bytes where
 * they are raw). Null when absent or of another type. */
export function initializerCodes(index: GraphIndex, name: string): Uint8Array | Int8Array | null {
  const tensor = (index.model.graph!.initializer ?? []).find((t) => t.name === name);
  const type = tensor?.dataType;
  if (!tensor || (type !== onnx.TensorProto.DataType.UINT8 && type !== onnx.TensorProto.DataType.INT8)) return null;
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : externalBytes(index, tensor);
  if (type === onnx.TensorProto.DataType.UINT8) return raw ?? Uint8Array.from(tensor.int32Data ?? []);
  return raw ? new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength) : Int8Array.from(tensor.int32Data ?? []);
}

/** An 8-bit initializer's bytes as stored (packed 4-bit weights: two codes a byte), without widening each byte to a
 * float as initializerValues does. Null when absent or not uint8. */
export function initializerBytes(index: GraphIndex, name: string): Uint8Array | null {
  const tensor = (index.model.graph!.initializer ?? []).find((t) => t.name === name);
  if (!tensor || tensor.dataType !== onnx.TensorProto.DataType.UINT8) return null;
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : externalBytes(index, tensor);
  return raw ?? Uint8Array.from(tensor.int32Data ?? []);
}

/** An initializer's dims, or null when there is no such initializer. */
export function initializerDims(index: GraphIndex, name: string): number[] | null {
  const tensor = (index.model.graph!.initializer ?? []).find((t) => t.name === name);
  return tensor ? (tensor.dims ?? []).map(Number) : null;
}

/** A node's integer attribute (int64 may arrive as a Long), or `fallback` when the node does not set it. */
export function intAttribute(node: onnx.INodeProto, name: string, fallback: number): number {
  const value = node.attribute?.find((attribute) => attribute.name === name)?.i;
  return value === undefined || value === null ? fallback : Number(value.toString());
}
