import { onnx } from 'onnx-proto';
import type { CapturePoint } from './capturePoints';
import type { GraphIndex } from './graph';
import { EngineError } from '../errors';

/** The graph inputs of an intervention: a scale for each attention head's output z ([layers, heads]), an offset
 * added to it after the scale ([layers, heads, P, d_head]: z' = z · scale + offset), a scale for each layer's MLP
 * output ([layers]) and an offset added to it after the scale ([layers, P, d_model]). P is 1 (the same offset at every
 * position) or the pass's number of positions (an offset per position: activation patching). Scale 1 and offset 0
 * leave the model as it is; scale 0 switches that head or MLP off, and an offset then puts another value in its
 * place (a fixed vector: mean ablation; another run's rows: patching). */
export const HEAD_SCALE_INPUT = 'flow_head_scale';
export const HEAD_OFFSET_INPUT = 'flow_head_offset';
export const MLP_SCALE_INPUT = 'flow_mlp_scale';
export const MLP_OFFSET_INPUT = 'flow_mlp_offset';

/** Switched-off heads and MLPs, by layer; an empty intervention is the model itself. */
export interface Intervention {
  /** `${layer}.${head}` of every head whose z is replaced: by zeros ("zero ablation"), or by its entry in `means`. */
  heads: string[];
  /** Layers whose MLP output is multiplied by 0. */
  mlps: number[];
  /** Heads of `heads` replaced by a fixed vector instead of zeros ("mean ablation": the mean of the head's z over
   * a run's positions), `${layer}.${head}` → d_head values. */
  means?: Record<string, number[]>;
  /** Activation patching: another run's activations in place of this run's own, position by position, for one pass
   * over `positions` positions (the prompt's; a run with a patch generates one token). */
  patch?: ActivationPatch;
}

/** What a patched run takes from the other (clean) run (patching.ts): rows position-major, as plain numbers (the
 * intervention travels to the worker and into exported traces). */
export interface ActivationPatch {
  /** The patching grid's cell it is: the residual stream entering `layer` at position `index`, head `index` of
   * `layer`, or `layer`'s attention or MLP output. */
  cell: { grid: 'resid' | 'head' | 'attn' | 'mlp'; layer: number; index: number };
  positions: number;
  /** `${layer}.${head}` → the head's z from the other run, [positions × d_head]: the head's own is replaced. */
  heads?: Record<string, number[]>;
  /** layer → added to that layer's MLP output, [positions × d_model] (zeros where nothing changes). */
  mlpAdd?: Record<string, number[]>;
  /** layer → that layer's MLP output from the other run, [positions × d_model]: its own is replaced. */
  mlpOut?: Record<string, number[]>;
}

/** The values fed to the intervention inputs; `positions`: the offsets' P (1, or the pass's positions). */
export interface InterventionFeeds {
  head: Float32Array;
  offset: Float32Array;
  mlp: Float32Array;
  mlpOffset: Float32Array;
  positions: number;
}

export function isIntervening(intervention: Intervention | null | undefined): boolean {
  return !!intervention && (intervention.heads.length > 0 || intervention.mlps.length > 0 || intervention.patch !== undefined);
}

/** The intervention inputs' values for an intervention. A mean whose length is not d_head is a caller's error. */
export function interventionFeeds(
  intervention: Intervention | null,
  layers: number,
  heads: number,
  dHead: number,
  dModel: number,
): InterventionFeeds {
  const head = new Float32Array(layers * heads).fill(1);
  const offset = new Float32Array(layers * heads * dHead);
  const mlp = new Float32Array(layers).fill(1);
  const mlpOffset = new Float32Array(layers * dModel);
  for (const key of intervention?.heads ?? []) {
    const [layer, h] = key.split('.').map(Number) as [number, number];
    if (!(layer >= 0 && layer < layers && h >= 0 && h < heads)) continue;
    head[layer * heads + h] = 0;
    const mean = intervention?.means?.[key];
    if (!mean) continue;
    if (mean.length !== dHead) throw new EngineError('internal', { detail: `mean of head ${key} has ${mean.length} values, not ${dHead}` });
    offset.set(mean, (layer * heads + h) * dHead);
  }
  for (const layer of intervention?.mlps ?? []) if (layer >= 0 && layer < layers) mlp[layer] = 0;
  const patch = intervention?.patch;
  return patch
    ? withPatch({ head, offset, mlp, mlpOffset, positions: 1 }, patch, layers, heads, dHead, dModel)
    : { head, offset, mlp, mlpOffset, positions: 1 };
}

/** The feeds with offsets per position: the fixed ones (means) at every position, and the patch's rows. */
function withPatch(
  fixed: InterventionFeeds,
  patch: ActivationPatch,
  layers: number,
  heads: number,
  dHead: number,
  dModel: number,
): InterventionFeeds {
  const n = patch.positions;
  const offset = new Float32Array(layers * heads * n * dHead);
  for (let row = 0; row < layers * heads; row++) {
    for (let p = 0; p < n; p++) offset.set(fixed.offset.subarray(row * dHead, (row + 1) * dHead), (row * n + p) * dHead);
  }
  const head = fixed.head.slice();
  const mlp = fixed.mlp.slice();
  const mlpOffset = new Float32Array(layers * n * dModel);
  const rows = (values: number[], width: number, what: string) => {
    if (values.length !== n * width)
      throw new EngineError('internal', { detail: `${what} has ${values.length} values, not ${n} × ${width}` });
    return values;
  };
  for (const [key, values] of Object.entries(patch.heads ?? {})) {
    const [layer, h] = key.split('.').map(Number) as [number, number];
    head[layer * heads + h] = 0;
    offset.set(rows(values, dHead, `head ${key}`), (layer * heads + h) * n * dHead);
  }
  for (const [key, values] of Object.entries(patch.mlpAdd ?? {})) {
    const base = Number(key) * n * dModel;
    rows(values, dModel, `MLP ${key}`).forEach((value, i) => (mlpOffset[base + i] = mlpOffset[base + i]! + value));
  }
  for (const [key, values] of Object.entries(patch.mlpOut ?? {})) {
    mlp[Number(key)] = 0;
    mlpOffset.set(rows(values, dModel, `MLP ${key}`), Number(key) * n * dModel);
  }
  return { head, offset, mlp, mlpOffset, positions: n };
}

/** Multiplies each layer's z (per head) by the head scale and adds the head offset, multiplies each MLP output by
 * the MLP scale, and moves the capture points of those tensors to the changed ones, so a run with a head switched
 * off still records every tensor as the model computed it. Returns the points with their new tensor names.
 * `activations`: the graph's float type (float16 in an fp16 graph, where the inputs are cast to it). */
export function addInterventionInputs(
  index: GraphIndex,
  points: CapturePoint[],
  layers: number,
  heads: number,
  dHead: number,
  dModel: number,
  activations: 'float32' | 'float16',
): CapturePoint[] {
  const graph = index.model.graph!;
  graph.input!.push(
    scaleInput(HEAD_SCALE_INPUT, [layers, heads]),
    scaleInput(HEAD_OFFSET_INPUT, [layers, heads, 'flow_offset_positions', dHead]),
    scaleInput(MLP_SCALE_INPUT, [layers]),
    scaleInput(MLP_OFFSET_INPUT, [layers, 'flow_offset_positions', dModel]),
  );
  const headShape = int64Initializer('flow_head_scale_shape', [1, heads, 1, 1]);
  const offsetShape = int64Initializer('flow_head_offset_shape', [1, heads, -1, dHead]);
  const mlpOffsetShape = int64Initializer('flow_mlp_offset_shape', [1, -1, dModel]);
  graph.initializer!.push(headShape, offsetShape, mlpOffsetShape);
  const front: onnx.INodeProto[] = [];
  const renamed = new Map<string, string>();
  for (let layer = 0; layer < layers; layer++) {
    const index_ = int64Initializer(`flow_layer_${layer}`, [layer], true);
    graph.initializer!.push(index_);
    const z = points.find((p) => p.hook === `blocks.${layer}.attn.hook_z`);
    const mlpOut = points.find((p) => p.hook === `blocks.${layer}.hook_mlp_out`);
    if (z && z.layout === 'heads') {
      // [layers, heads] → this layer's [heads] → [1, heads, 1, 1], broadcast over positions and d_head.
      const row = node('Gather', [HEAD_SCALE_INPUT, index_.name!], `flow_head_scale_${layer}`, [axis(0)]);
      const shaped = node('Reshape', [row.output![0]!, headShape.name!], `flow_head_scale_${layer}_shaped`);
      front.push(row, shaped, ...castTo(shaped, activations));
      const scale = front[front.length - 1]!.output![0]!;
      // [layers, heads, P, d_head] → this layer's [heads, P, d_head] → [1, heads, P, d_head] (P = 1: broadcast).
      const offsetRow = node('Gather', [HEAD_OFFSET_INPUT, index_.name!], `flow_head_offset_${layer}`, [axis(0)]);
      const offsetShaped = node('Reshape', [offsetRow.output![0]!, offsetShape.name!], `flow_head_offset_${layer}_shaped`);
      front.push(offsetRow, offsetShaped, ...castTo(offsetShaped, activations));
      const offset = front[front.length - 1]!.output![0]!;
      const scaledZ = scaled(index, z.tensor, scale, `flow_scaled_z_${layer}`);
      renamed.set(z.tensor, shifted(index, scaledZ, offset, `flow_shifted_z_${layer}`));
    }
    if (mlpOut) {
      const scale = node('Gather', [MLP_SCALE_INPUT, index_.name!], `flow_mlp_scale_${layer}`, [axis(0)]);
      front.push(scale, ...castTo(scale, activations));
      const scaledOut = scaled(index, mlpOut.tensor, front[front.length - 1]!.output![0]!, `flow_scaled_mlp_out_${layer}`);
      // [layers, P, d_model] → this layer's [P, d_model] → [1, P, d_model] (P = 1: broadcast over positions).
      const offsetRow = node('Gather', [MLP_OFFSET_INPUT, index_.name!], `flow_mlp_offset_${layer}`, [axis(0)]);
      const offsetShaped = node('Reshape', [offsetRow.output![0]!, mlpOffsetShape.name!], `flow_mlp_offset_${layer}_shaped`);
      front.push(offsetRow, offsetShaped, ...castTo(offsetShaped, activations));
      renamed.set(mlpOut.tensor, shifted(index, scaledOut, front[front.length - 1]!.output![0]!, `flow_shifted_mlp_out_${layer}`));
    }
  }
  // The scales depend on graph inputs only: they go first, which keeps the nodes in topological order.
  graph.node!.unshift(...front);
  return points.map((point) => (renamed.has(point.tensor) ? { ...point, tensor: renamed.get(point.tensor)! } : point));
}

/** Inserts `name = tensor · scale` right after the node that makes `tensor` and hands `name` to every node that read
 * `tensor`. */
function scaled(index: GraphIndex, tensor: string, scale: string, name: string): string {
  return insertAfter(index, tensor, node('Mul', [tensor, scale], name));
}

/** Inserts `name = tensor + offset`, as `scaled` does. */
function shifted(index: GraphIndex, tensor: string, offset: string, name: string): string {
  return insertAfter(index, tensor, node('Add', [tensor, offset], name));
}

/** Puts `made` (which reads `tensor` and makes one output) right after the node that makes `tensor`, and hands its
 * output to every node that read `tensor`. */
function insertAfter(index: GraphIndex, tensor: string, made: onnx.INodeProto): string {
  const graph = index.model.graph!;
  const name = made.output![0]!;
  const users = (index.consumers.get(tensor) ?? []).slice();
  const producer = index.producer.get(tensor);
  const at = producer ? graph.node!.indexOf(producer) + 1 : 0;
  graph.node!.splice(at, 0, made);
  for (const user of users) user.input = (user.input ?? []).map((input) => (input === tensor ? name : input));
  if (index.outputs.has(tensor)) {
    // The graph's output becomes the changed tensor (under the new name, which a second change follows).
    for (const output of graph.output ?? []) if (output.name === tensor) output.name = name;
    index.outputs.delete(tensor);
    index.outputs.add(name);
  }
  index.consumers.set(name, users);
  index.consumers.set(tensor, [made]);
  index.producer.set(name, made);
  return name;
}

function node(opType: string, input: string[], output: string, attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return onnx.NodeProto.create({ opType, input, output: [output], name: `/flow/${output}`, attribute });
}

function axis(value: number): onnx.IAttributeProto {
  return onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: value });
}

/** A Cast of `from`'s output to float16 in an fp16 graph; nothing in a float32 one. */
function castTo(from: onnx.INodeProto, activations: 'float32' | 'float16'): onnx.INodeProto[] {
  if (activations === 'float32') return [];
  const to = onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT16 });
  return [node('Cast', [from.output![0]!], `${from.output![0]}_f16`, [to])];
}

/** A float input; a dimension given by name is dynamic. */
function scaleInput(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  });
}

/** An int64 initializer; `scalar`: of rank 0 (a Gather index that drops the axis). */
function int64Initializer(name: string, values: number[], scalar = false): onnx.ITensorProto {
  const raw = new Uint8Array(BigInt64Array.from(values, BigInt).buffer);
  return onnx.TensorProto.create({ name, dataType: onnx.TensorProto.DataType.INT64, dims: scalar ? [] : [values.length], rawData: raw });
}
