import type { FlowChart, NodeId } from './chart';

/** One moment of playback: the active node, and where the program is in its two loops. */
export interface Frame {
  node: NodeId;
  /** Layer index inside the layer loop (null outside it). */
  layer: number | null;
  /** The generation step (0 = the prompt's pass) — the token loop's counter. */
  step: number;
}

/** The frames of a run with `steps` sampling steps, in program order: start, input, tokenize once; then per step
 * the embeddings, `layers` passes of the layer loop (each ending at its decision), the output and sampling boxes
 * and the end-of-run decision; then end. */
export function buildTimeline(chart: FlowChart, steps: number): Frame[] {
  const frames: Frame[] = [];
  const ids = (region: string) => chart.nodes.filter((node) => node.region === region).map((node) => node.id);
  const [start, input, tokenize, ...embedding] = ids('input') as [NodeId, NodeId, NodeId, ...NodeId[]];
  const layerNodes = ids('layer');
  const outputNodes = ids('output').filter((id) => id !== 'end');
  frames.push({ node: start, layer: null, step: 0 }, { node: input, layer: null, step: 0 }, { node: tokenize, layer: null, step: 0 });
  for (let step = 0; step < steps; step++) {
    for (const id of embedding) frames.push({ node: id, layer: null, step });
    for (let layer = 0; layer < chart.layers; layer++) {
      for (const id of layerNodes) frames.push({ node: id, layer, step });
    }
    for (const id of outputNodes) frames.push({ node: id, layer: null, step });
  }
  frames.push({ node: 'end', layer: null, step: Math.max(0, steps - 1) });
  return frames;
}

/** The index of the first frame of `layer` in `step` (for "jump to layer"), or -1. */
export function frameOfLayer(frames: Frame[], step: number, layer: number): number {
  return frames.findIndex((frame) => frame.step === step && frame.layer === layer);
}

/** The index of the first frame of `step` after tokenization (for "jump to token"), or -1. */
export function frameOfStep(frames: Frame[], step: number): number {
  return frames.findIndex((frame, i) => i > 2 && frame.step === step);
}

/** The frame of another model's timeline that stands where `target` stands (two architectures side by side): the
 * same box at the same step and layer; where that model has no such box (GPT-2's position table, Llama's RoPE), the
 * box before it in program order (`rank`, the order of every architecture's boxes); a step or layer it does not
 * have (its run ended sooner, it has fewer layers), its last. */
export function alignedFrame(frames: readonly Frame[], target: Frame, rank: (id: NodeId) => number): number {
  if (frames.length === 0) return 0;
  if (target.node === 'end') return frames.length - 1;
  const opening = frames.slice(0, 3).findIndex((frame) => frame.node === target.node);
  if (opening >= 0) return opening;
  const layerStart = rank('ln1');
  const layers = frames.reduce((most, frame) => Math.max(most, frame.layer ?? -1), -1);
  /** Where a frame stands in its step: before the layers, in layer l, or after them; then the box's rank. */
  const place = (frame: Frame, layer = frame.layer) => [
    layer === null ? (rank(frame.node) < layerStart ? 0 : 2) : 1,
    layer ?? 0,
    rank(frame.node),
  ];
  const goal = place(target, target.layer === null ? null : Math.min(target.layer, layers));
  const step = Math.min(target.step, frames[frames.length - 1]!.step);
  let best = -1;
  for (let i = 3; i < frames.length; i++) {
    const frame = frames[i]!;
    if (frame.step !== step || frame.node === 'end') continue;
    const here = place(frame);
    const before = here[0]! - goal[0]! || here[1]! - goal[1]! || here[2]! - goal[2]!;
    if (before <= 0) best = i;
    else if (best < 0) best = i;
  }
  return best >= 0 ? best : frames.length - 1;
}

/** How playback moves: every box, or an overview a learner can watch in a minute. */
export type Pace = 'overview' | 'every';

/** The frames the overview pace stops at: the first token's pass through the input, the first layer and the output
 * in full (every box once); then each further layer as one step (its "more layers?" decision, where the layer
 * counter moves), and each further token as one step (its sampling draw). A learner who has already watched a run
 * in full (`firstPassInFull` false) gets the first token's pass as briefly: the input, one step per layer, the draw.
 * Manual jumps still reach every frame. */
export function overviewStops(frames: readonly Frame[], firstPassInFull = true): boolean[] {
  return frames.map((frame) => {
    if (frame.node === 'end') return true;
    if (frame.step > 0) return frame.node === 'sample';
    if (firstPassInFull) return frame.layer === null || frame.layer === 0 || frame.node === 'moreLayers';
    return ['start', 'input', 'tokenize', 'moreLayers', 'sample'].includes(frame.node);
  });
}
