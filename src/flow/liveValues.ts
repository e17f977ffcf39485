import type { Trace } from '../engine/trace';
import type { Candidate } from '../engine/sampling';
import type { MiniViz } from '../../visualizations/miniViz';
import type { NodeId } from './chart';
import type { Frame } from './timeline';

/** What one generation step computed: the new positions (all prompt positions at step 0, one afterwards). */
export interface StepSpan {
  first: number;
  last: number;
  /** Keys attended to at the last position: last + 1. */
  keys: number;
}

export function stepSpan(trace: Trace, step: number): StepSpan | null {
  const decision = trace.steps[step];
  if (!decision) return null;
  const first = step === 0 ? 0 : decision.position;
  return { first, last: decision.position, keys: decision.position + 1 };
}

/** Shapes are written one way everywhere: `[7 × 128]`. */
export const shape = (...dims: number[]) => `[${dims.join(' × ')}]`;

export interface LiveValues {
  shape: string;
  mini: MiniViz | null;
}

/** The active box's live values for one frame, read from the Trace (no number is made up: each comes from a
 * captured tensor or a sampling decision). `head` picks the attention head shown. */
export function liveValues(trace: Trace, frame: Frame, head: number, tokenLabel: (id: number) => string): LiveValues | null {
  const span = stepSpan(trace, frame.step);
  const { config } = trace;
  const decision = trace.steps[frame.step]?.decision;
  if (!span || !decision) return null;
  const t = span.last - span.first + 1;
  const layer = frame.layer ?? 0;
  const row = (hook: string, position = span.last) => trace.rows[hook]?.[position];
  const vector = (hook: string, dims: number[]): LiveValues | null => {
    const values = row(hook);
    return values ? { shape: shape(...dims), mini: { kind: 'sparkline', values: Array.from(values) } } : null;
  };
  const headRow = (hook: string) => {
    const values = row(hook);
    return values ? Array.from(values.subarray(head * config.dHead, (head + 1) * config.dHead)) : [];
  };
  const topBars = (value: (c: Candidate) => number, title: string): MiniViz => ({
    kind: 'bars',
    title,
    items: decision.candidates.slice(0, 5).map((c) => ({ label: tokenLabel(c.id), value: value(c), highlight: c.id === decision.chosenId })),
  });
  // The temperature the probability bars were computed at: greedy decoding (T = 0) shows softmax at T = 1.
  const shownT = `T=${decision.greedy ? 1 : Number(decision.settings.temperature.toPrecision(3))}`;
  const block = (name: string) => `blocks.${layer}.${name}`;

  switch (frame.node as NodeId) {
    case 'tokenize':
      return {
        shape: shape(trace.promptLength),
        mini: { kind: 'tokens', items: trace.tokens.slice(0, Math.min(trace.promptLength, 12)).map((token) => ({ label: tokenLabel(token.id), color: '#4e79a7' })) },
      };
    case 'embed':
      return vector('hook_embed', [t, config.dModel]);
    case 'posEmbed':
      return vector('hook_pos_embed', [t, config.dModel]);
    case 'residual':
      return vector('blocks.0.hook_resid_pre', [t, config.dModel]);
    case 'ln1':
      return vector(block('ln1.hook_normalized'), [t, config.dModel]);
    case 'qkv':
      if (config.nKvHead !== config.nHead) return { shape: `${shape(t, config.nHead, config.dHead)} + 2 × ${shape(t, config.nKvHead, config.dHead)}`, mini: { kind: 'sparkline', values: headRow(block('attn.hook_q')) } };
      return { shape: `3 × ${shape(t, config.nHead, config.dHead)}`, mini: { kind: 'sparkline', values: headRow(block('attn.hook_q')) } };
    case 'qkNorm':
      return { shape: shape(t, config.nHead, config.dHead), mini: { kind: 'sparkline', values: headRow(block('attn.q_norm.hook_normalized')) } };
    case 'rope':
      return { shape: shape(t, config.nHead, config.dHead), mini: { kind: 'sparkline', values: headRow(block('attn.hook_rot_q')) } };
    case 'scores':
    case 'mask':
    case 'softmax':
      return { shape: shape(config.nHead, t, span.keys), mini: attentionMini(trace, frame.node, layer, head, span) };
    case 'weightedSum':
      return { shape: shape(t, config.nHead, config.dHead), mini: { kind: 'sparkline', values: headRow(block('attn.hook_z')) } };
    case 'outProj':
      return vector(block('hook_attn_out'), [t, config.dModel]);
    case 'residAdd1':
      return vector(block('hook_resid_mid'), [t, config.dModel]);
    case 'ln2':
      return vector(block('ln2.hook_normalized'), [t, config.dModel]);
    case 'mlp':
      return vector(block('mlp.hook_post'), [t, config.dMlp]);
    case 'residAdd2':
      return vector(block('hook_resid_post'), [t, config.dModel]);
    case 'lnFinal':
      return vector('ln_final.hook_normalized', [t, config.dModel]);
    case 'unembed':
      return { shape: shape(config.vocabSize), mini: topBars((c) => c.logit - decision.candidates[decision.candidates.length - 1]!.logit, 'logits') };
    case 'temperature':
      return { shape: shape(config.vocabSize), mini: topBars((c) => c.scaledProbability, `softmax ${shownT}`) };
    case 'filter':
      return { shape: shape(decision.keptAfterTopP), mini: topBars((c) => c.afterTopK, `top-k ${shownT}`) };
    case 'probabilities':
    case 'sample':
      return { shape: shape(decision.keptAfterTopP), mini: topBars((c) => c.afterTopP, `top-p ${shownT}`) };
    case 'append':
      return { shape: shape(span.last + 2), mini: { kind: 'tokens', items: [{ label: tokenLabel(decision.chosenId), color: '#e15759' }] } };
    default:
      return null;
  }
}

/** At most this many cells per side in the chart's thumbnail: longer inputs are averaged into blocks, so the
 * thumbnail stays cheap to draw at every frame. */
const MINI_BLOCKS = 24;

/** The head's attention (or scores) for every position up to this step's last one, as a mini heatmap. */
function attentionMini(trace: Trace, node: NodeId, layer: number, head: number, span: StepSpan): MiniViz {
  const full = attentionValues(trace, node, layer, head, span);
  const n = span.keys;
  if (n <= MINI_BLOCKS) return { kind: 'heatmap', rows: n, cols: n, values: full };
  const values: number[] = [];
  for (let by = 0; by < MINI_BLOCKS; by++) {
    for (let bx = 0; bx < MINI_BLOCKS; bx++) {
      const [r0, r1] = [Math.floor((by * n) / MINI_BLOCKS), Math.floor(((by + 1) * n) / MINI_BLOCKS)];
      const [c0, c1] = [Math.floor((bx * n) / MINI_BLOCKS), Math.floor(((bx + 1) * n) / MINI_BLOCKS)];
      let sum = 0;
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += full[r * n + c]!;
      values.push(sum / Math.max(1, (r1 - r0) * (c1 - c0)));
    }
  }
  return { kind: 'heatmap', rows: MINI_BLOCKS, cols: MINI_BLOCKS, values };
}

function attentionValues(trace: Trace, node: NodeId, layer: number, head: number, span: StepSpan): number[] {
  const hook = `blocks.${layer}.attn.${node === 'softmax' ? 'hook_pattern' : node === 'mask' ? 'hook_attn_scores' : 'hook_attn_scores_unmasked'}`;
  const n = span.keys;
  const values = new Array<number>(n * n).fill(0);
  let min = Infinity;
  let max = -Infinity;
  for (let q = 0; q < n; q++) {
    const row = trace.rows[hook]?.[q];
    if (!row) continue;
    const width = row.length / trace.config.nHead;
    const visible = node === 'scores' ? width : q + 1;
    for (let k = 0; k < Math.min(visible, n); k++) {
      const value = row[head * width + k]!;
      values[q * n + k] = value;
      if (Number.isFinite(value)) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
    }
  }
  // Scores are shown rescaled to [0, 1] for the thumbnail (−∞ as 0); the pattern is already a probability.
  if (node !== 'softmax') {
    const range = Math.max(1e-9, max - min);
    for (let i = 0; i < values.length; i++) values[i] = Number.isFinite(values[i]!) ? (values[i]! - min) / range : 0;
  }
  return values;
}
