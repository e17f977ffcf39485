import { onnx } from 'onnx-proto';
import { EngineError } from '../errors';

/** An ONNX graph with look-ups by tensor: who produces it, who consumes it. */
export interface GraphIndex {
  model: onnx.ModelProto;
  nodes: onnx.INodeProto[];
  producer: Map<string, onnx.INodeProto>;
  consumers: Map<string, onnx.INodeProto[]>;
  initializers: Set<string>;
  inputs: Set<string>;
  outputs: Set<string>;
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

export function indexGraph(model: onnx.ModelProto): GraphIndex {
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
    for (const output of node.output ?? []) {
      const users = index.consumers.get(output) ?? [];
      if (index.outputs.has(output) || users.some((user) => !insideSet.has(user))) candidates.push(output);
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

/** An initializer's values as float32 (raw_data or float_data), or null when absent. */
export function initializerValues(index: GraphIndex, name: string): Float32Array | null {
  const tensor = (index.model.graph!.initializer ?? []).find((t) => t.name === name);
  if (!tensor) return null;
  if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return tensor.floatData ? Float32Array.from(tensor.floatData) : null;
}

/** How many elements an initializer holds (the product of its dims), or null when there is no such initializer. */
export function initializerSize(index: GraphIndex, name: string): number | null {
  const tensor = (index.model.graph!.initializer ?? []).find((t) => t.name === name);
  return tensor ? (tensor.dims ?? []).reduce<number>((size, dim) => size * Number(dim), 1) : null;
}
