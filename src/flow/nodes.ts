import { rowLayout, type Trace } from '../engine/trace';
import type { Candidate, SamplingDecision } from '../engine/sampling';
import type { ModelConfig } from '../engine/models/config';
import type { MiniViz } from '../../visualizations/miniViz';
import { percentText } from '../../visualizations/scales';
import { dim, shape, type TensorShape } from '../engine/tensorShape';
import type { Frame } from './timeline';

/** Classic flowchart shapes: rounded terminals, rectangles for steps, diamonds for decisions. */
export type NodeShape = 'terminal' | 'step' | 'decision';

/** Where a node sits in the program: before the loops, inside the layer loop, or after it. */
export type NodeRegion = 'input' | 'layer' | 'output';

/** The colour family a node belongs to (one fixed colour per kind of data across chart and views). */
export type NodeFamily = 'io' | 'embedding' | 'residual' | 'norm' | 'attention' | 'mlp' | 'output' | 'sampling' | 'control';

export type NodeId =
  | 'start'
  | 'input'
  | 'tokenize'
  | 'embed'
  | 'posEmbed'
  | 'residual'
  | 'ln1'
  | 'qkv'
  | 'qkNorm'
  | 'rope'
  | 'scores'
  | 'mask'
  | 'softmax'
  | 'weightedSum'
  | 'outProj'
  | 'residAdd1'
  | 'ln2'
  | 'mlp'
  | 'residAdd2'
  | 'moreLayers'
  | 'lnFinal'
  | 'unembed'
  | 'temperature'
  | 'filter'
  | 'probabilities'
  | 'sample'
  | 'append'
  | 'done'
  | 'end';

/** The detail views; each box names the one that answers the question it raises. */
export type ViewTab = 'tokens' | 'tokenizers' | 'embedding' | 'attention' | 'mlp' | 'lens' | 'sampling' | 'cache' | 'compare' | 'patching';
export const VIEW_TABS: ViewTab[] = [
  'tokens',
  'tokenizers',
  'embedding',
  'attention',
  'mlp',
  'lens',
  'sampling',
  'cache',
  'compare',
  'patching',
];

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

// Tensor shapes are described below the chart (the i18n layer names their axes too).
export { dim, shape, type Axis, type Dim, type ShapeTerm, type TensorShape } from '../engine/tensorShape';

/** A capture point's shape at a step: [positions × width], [positions × heads × d_head] (K and V have the
 * key/value heads), or [heads × queries × keys] for attention; from the row the worker cut, so each hook says its
 * own size. A row's width counts the vocabulary for the logits, neurons inside the MLP, dims elsewhere. */
export function captureShape(trace: Trace, hook: string, span: StepSpan): TensorShape {
  const point = trace.points.find((p) => p.hook === hook);
  const width = trace.rows[hook]?.[span.last]?.length ?? 0;
  const t = dim(span.last - span.first + 1, 'positions');
  switch (point ? rowLayout(point.layout) : 'tokens') {
    case 'tokens':
      return shape(t, dim(width, hook === 'logits' ? 'vocab' : /\.mlp\.hook_(pre|post)$/.test(hook) ? 'neurons' : 'dims'));
    case 'heads':
      return shape(t, dim(width / trace.config.dHead, 'heads'), dim(trace.config.dHead, 'dims'));
    case 'attention':
      return shape(dim(trace.config.nHead, 'heads'), dim(span.last - span.first + 1, 'queries'), dim(span.keys, 'keys'));
  }
}

/** One frame of one run, as a box's caption reads it; before the frame's step is computed there is no span or
 * decision yet (the first boxes of a run). */
export interface FrameContext {
  trace: Trace;
  config: ModelConfig;
  frame: Frame;
  span: StepSpan | null;
  decision: SamplingDecision | null;
  /** Positions computed at this step (the prompt's length before the first step). */
  t: number;
  layer: number;
  /** The attention head the thumbnails show. */
  head: number;
  tokenLabel: (id: number) => string;
  generating: boolean;
  /** Whether the graph ran each new token alone with a KV cache (false: every step ran the whole sequence again, and
   * the chart shows the new position's values). */
  /** Whether the run's graph has a KV cache; null where that is not known (a recording). */
  cached: boolean | null;
}

/** A frame whose step has been computed: what a box's size and thumbnail read. */
export interface BoxContext extends FrameContext {
  span: StepSpan;
  decision: SamplingDecision;
}

/** Caption parameters beyond the common ones (layer, step, positions, the config's sizes, `shape`); `key` replaces
 * the box's caption where a setting changes the sentence. The `answer` and `reason` params hold i18n keys; shapes
 * are written out in the page's language. */
export interface CaptionParts {
  key?: string;
  params?: Record<string, string | number | TensorShape>;
}

/** A box of the chart, described once: the chart draws it, the thumbnails and captions read its live values, the
 * detail panel lists its capture points, the views open at its tab. */
export interface NodeSpec {
  shape: NodeShape;
  region: NodeRegion;
  family: NodeFamily;
  /** Capture points this node shows; `{l}` stands for the current layer. */
  hooks: string[];
  /** Computed by the app's own code, outside the model's graph (the tokenizer, the sampler): no capture point, but
   * numbers of its own in its view and in the Trace's tokens or steps. */
  outsideGraph?: true;
  tab: ViewTab;
  /** The shape of what the box computes at this step. */
  size?: (c: BoxContext) => TensorShape;
  /** The thumbnail beside the active box. */
  picture?: (c: BoxContext) => MiniViz | null;
  caption?: (c: FrameContext) => CaptionParts;
}

const block = (c: BoxContext, name: string) => `blocks.${c.layer}.${name}`;
const lastRow = (c: BoxContext, hook: string) => c.trace.rows[hook]?.[c.span.last];
const positions = (c: FrameContext) => dim(c.t, 'positions');
const stream = (c: BoxContext) => shape(positions(c), dim(c.config.dModel, 'dims'));
/** [positions × heads × d_head], with the query heads or (K and V) the key/value heads. */
const perHead = (c: FrameContext, heads = c.config.nHead) => shape(positions(c), dim(heads, 'heads'), dim(c.config.dHead, 'dims'));
const pattern = (c: BoxContext) => shape(dim(c.config.nHead, 'heads'), dim(c.t, 'queries'), dim(c.span.keys, 'keys'));
/** Q's shape and K's (the same as V's), for the sentences about them. */
const qkShapes = (c: FrameContext) => ({ qShape: perHead(c), kvShape: perHead(c, c.config.nKvHead) });
const vocabulary = (c: BoxContext) => shape(dim(c.config.vocabSize, 'vocab'));
const survivors = (c: BoxContext) => shape(dim(c.decision.keptAfterTopP, 'candidates'));

/** The last position's row of a hook, as a sparkline. */
const sparkline =
  (hook: (c: BoxContext) => string) =>
  (c: BoxContext): MiniViz | null => {
    const values = lastRow(c, hook(c));
    return values ? { kind: 'sparkline', values: Array.from(values) } : null;
  };

/** The shown head's part of the last position's row. */
const headLine =
  (hook: (c: BoxContext) => string) =>
  (c: BoxContext): MiniViz => {
    const values = lastRow(c, hook(c));
    const { dHead } = c.config;
    return { kind: 'sparkline', values: values ? Array.from(values.subarray(c.head * dHead, (c.head + 1) * dHead)) : [] };
  };

/** The first five candidates by logit, measured by `value`; `title` names the measure. */
const candidates =
  (value: (candidate: Candidate, decision: SamplingDecision) => number, title: (c: BoxContext) => string) =>
  (c: BoxContext): MiniViz => ({
    kind: 'bars',
    title: title(c),
    items: c.decision.candidates.slice(0, 5).map((candidate) => ({
      label: c.tokenLabel(candidate.id),
      value: value(candidate, c.decision),
      highlight: candidate.id === c.decision.chosenId,
    })),
  });

/** The temperature the probability bars were computed at: greedy decoding (T = 0) shows softmax at T = 1. */
const shownT = (c: BoxContext) => `T=${c.decision.greedy ? 1 : Number(c.decision.settings.temperature.toPrecision(3))}`;

/** The bars of a box after the temperature: `value`, titled `title`; in greedy decoding, which filters and draws
 * nothing, softmax at T = 1 over the whole vocabulary, as the temperature box shows it. */
const sampledCandidates =
  (value: (candidate: Candidate) => number, title: (c: BoxContext) => string) =>
  (c: BoxContext): MiniViz =>
    c.decision.greedy
      ? candidates(
          (candidate) => candidate.scaledProbability,
          () => 'softmax T=1',
        )(c)
      : candidates(value, title)(c);
/** The candidates left after the filters: the whole vocabulary in greedy decoding, which cuts none. */
const keptCandidates = (c: BoxContext) => (c.decision.greedy ? vocabulary(c) : survivors(c));

const tokenKey = (c: FrameContext, id: number | undefined) => (id === undefined ? '' : c.tokenLabel(id));
/** The token the frame's step appended: its decision's choice, or in a teacher-forced run the token fed. */
const appendedId = (c: FrameContext) => c.trace.steps[c.frame.step]?.token.id;

export const NODE_SPECS: Record<NodeId, NodeSpec> = {
  start: { shape: 'terminal', region: 'input', family: 'control', hooks: [], tab: 'tokens' },
  input: {
    shape: 'step',
    region: 'input',
    family: 'io',
    hooks: [],
    tab: 'tokens',
    caption: ({ trace }) => ({ params: { text: trace.prompt.length > 80 ? `${trace.prompt.slice(0, 80)}…` : trace.prompt } }),
  },
  tokenize: {
    shape: 'step',
    region: 'input',
    family: 'io',
    hooks: [],
    tab: 'tokens',
    outsideGraph: true,
    size: ({ trace }) => shape(dim(trace.promptLength, 'tokens')),
    picture: ({ trace, tokenLabel }) => ({
      kind: 'tokens',
      items: trace.tokens.slice(0, Math.min(trace.promptLength, 12)).map((token) => ({ label: tokenLabel(token.id), color: '#4e79a7' })),
    }),
    caption: ({ trace }) => ({ params: { count: trace.promptLength } }),
  },
  embed: {
    shape: 'step',
    region: 'input',
    family: 'embedding',
    hooks: ['hook_embed'],
    tab: 'embedding',
    size: stream,
    picture: sparkline(() => 'hook_embed'),
    // Without a KV cache a later step runs every token again; the chart shows the new one.
    // Where that is not known (a recording), a later step's caption says only what the chart shows.
    // A later step that looked up one token says "the new token", not "each of the 1 new tokens".
    caption: (c) =>
      c.frame.step === 0 || !c.span
        ? {}
        : c.cached === false
          ? { key: 'flow.caption.embedFull', params: { keys: c.span.keys } }
          : c.cached === null || c.span.last === c.span.first
            ? { key: 'flow.caption.embedNew' }
            : {},
  },
  posEmbed: {
    shape: 'step',
    region: 'input',
    family: 'embedding',
    hooks: ['hook_pos_embed'],
    tab: 'embedding',
    size: stream,
    picture: sparkline(() => 'hook_pos_embed'),
  },
  residual: {
    shape: 'step',
    region: 'input',
    family: 'residual',
    hooks: ['blocks.0.hook_resid_pre'],
    tab: 'embedding',
    size: stream,
    picture: sparkline(() => 'blocks.0.hook_resid_pre'),
  },
  ln1: {
    shape: 'step',
    region: 'layer',
    family: 'norm',
    hooks: ['blocks.{l}.ln1.hook_normalized'],
    tab: 'attention',
    size: stream,
    picture: sparkline((c) => block(c, 'ln1.hook_normalized')),
  },
  qkv: {
    shape: 'step',
    region: 'layer',
    family: 'attention',
    hooks: ['blocks.{l}.attn.hook_q', 'blocks.{l}.attn.hook_k', 'blocks.{l}.attn.hook_v'],
    tab: 'attention',
    // Q has a row per query head, K and V one per key/value head (fewer under grouped-query attention).
    size: (c) =>
      c.config.nKvHead !== c.config.nHead
        ? [...perHead(c), { times: [dim(2, 'count')], dims: perHead(c, c.config.nKvHead)[0]!.dims }]
        : [{ times: [dim(3, 'count')], dims: perHead(c)[0]!.dims }],
    picture: headLine((c) => block(c, 'attn.hook_q')),
    caption: (c) => ({ params: qkShapes(c) }),
  },
  qkNorm: {
    shape: 'step',
    region: 'layer',
    family: 'norm',
    hooks: ['blocks.{l}.attn.q_norm.hook_normalized', 'blocks.{l}.attn.k_norm.hook_normalized'],
    tab: 'attention',
    size: (c) => perHead(c),
    picture: headLine((c) => block(c, 'attn.q_norm.hook_normalized')),
  },
  rope: {
    shape: 'step',
    region: 'layer',
    family: 'attention',
    hooks: ['blocks.{l}.attn.hook_rot_q', 'blocks.{l}.attn.hook_rot_k'],
    tab: 'attention',
    size: (c) => perHead(c),
    picture: headLine((c) => block(c, 'attn.hook_rot_q')),
    caption: (c) => ({ params: qkShapes(c) }),
  },
  scores: {
    shape: 'step',
    region: 'layer',
    family: 'attention',
    hooks: ['blocks.{l}.attn.hook_attn_scores_unmasked'],
    tab: 'attention',
    size: pattern,
    picture: (c) => attentionMini(c, 'scores'),
  },
  mask: {
    shape: 'step',
    region: 'layer',
    family: 'attention',
    hooks: ['blocks.{l}.attn.hook_attn_scores'],
    tab: 'attention',
    size: pattern,
    picture: (c) => attentionMini(c, 'mask'),
  },
  softmax: {
    shape: 'step',
    region: 'layer',
    family: 'attention',
    hooks: ['blocks.{l}.attn.hook_pattern'],
    tab: 'attention',
    size: pattern,
    picture: (c) => attentionMini(c, 'softmax'),
  },
  weightedSum: {
    shape: 'step',
    region: 'layer',
    family: 'attention',
    hooks: ['blocks.{l}.attn.hook_z'],
    tab: 'attention',
    size: (c) => perHead(c),
    picture: headLine((c) => block(c, 'attn.hook_z')),
  },
  outProj: {
    shape: 'step',
    region: 'layer',
    family: 'attention',
    hooks: ['blocks.{l}.hook_attn_out'],
    tab: 'attention',
    size: stream,
    picture: sparkline((c) => block(c, 'hook_attn_out')),
  },
  residAdd1: {
    shape: 'step',
    region: 'layer',
    family: 'residual',
    hooks: ['blocks.{l}.hook_resid_mid'],
    tab: 'attention',
    size: stream,
    picture: sparkline((c) => block(c, 'hook_resid_mid')),
  },
  ln2: {
    shape: 'step',
    region: 'layer',
    family: 'norm',
    hooks: ['blocks.{l}.ln2.hook_normalized'],
    tab: 'mlp',
    size: stream,
    picture: sparkline((c) => block(c, 'ln2.hook_normalized')),
  },
  mlp: {
    shape: 'step',
    region: 'layer',
    family: 'mlp',
    hooks: ['blocks.{l}.mlp.hook_pre', 'blocks.{l}.mlp.hook_post', 'blocks.{l}.hook_mlp_out'],
    tab: 'mlp',
    size: (c) => shape(positions(c), dim(c.config.dMlp, 'neurons')),
    picture: sparkline((c) => block(c, 'mlp.hook_post')),
  },
  residAdd2: {
    shape: 'step',
    region: 'layer',
    family: 'residual',
    hooks: ['blocks.{l}.hook_resid_post'],
    tab: 'mlp',
    size: stream,
    picture: sparkline((c) => block(c, 'hook_resid_post')),
  },
  moreLayers: {
    shape: 'decision',
    region: 'layer',
    family: 'control',
    hooks: [],
    tab: 'lens',
    caption: (c) => ({ params: { answer: c.layer + 1 < c.config.nLayer ? 'flow.yes' : 'flow.no' } }),
  },
  lnFinal: {
    shape: 'step',
    region: 'output',
    family: 'norm',
    hooks: ['ln_final.hook_normalized'],
    tab: 'lens',
    size: stream,
    picture: sparkline(() => 'ln_final.hook_normalized'),
  },
  unembed: {
    shape: 'step',
    region: 'output',
    family: 'output',
    hooks: ['logits'],
    tab: 'lens',
    size: vocabulary,
    // Logits above the lowest candidate's, so the bars start at zero.
    picture: candidates(
      (candidate, decision) => candidate.logit - decision.candidates[decision.candidates.length - 1]!.logit,
      () => 'logits',
    ),
  },
  temperature: {
    shape: 'step',
    region: 'output',
    family: 'sampling',
    hooks: [],
    tab: 'sampling',
    outsideGraph: true,
    size: vocabulary,
    picture: candidates(
      (candidate) => candidate.scaledProbability,
      (c) => `softmax ${shownT(c)}`,
    ),
    caption: ({ decision }) =>
      decision?.greedy ? { key: 'flow.caption.temperatureGreedy' } : { params: { temperature: decision?.settings.temperature ?? 0 } },
  },
  filter: {
    shape: 'step',
    region: 'output',
    family: 'sampling',
    hooks: [],
    tab: 'sampling',
    outsideGraph: true,
    size: keptCandidates,
    picture: sampledCandidates(
      (candidate) => candidate.afterTopK,
      (c) => `top-k ${shownT(c)}`,
    ),
    caption: ({ decision }) =>
      decision?.greedy
        ? { key: 'flow.caption.filterGreedy' }
        : { params: { keptK: decision?.keptAfterTopK ?? 0, kept: decision?.keptAfterTopP ?? 0 } },
  },
  probabilities: {
    shape: 'step',
    region: 'output',
    family: 'sampling',
    hooks: [],
    tab: 'sampling',
    outsideGraph: true,
    size: keptCandidates,
    picture: sampledCandidates(
      (candidate) => candidate.afterTopP,
      (c) => `top-p ${shownT(c)}`,
    ),
    caption: (c) => {
      if (c.decision?.greedy) return { key: 'flow.caption.probabilitiesGreedy' };
      const top = c.decision?.candidates[0];
      return { params: { top: tokenKey(c, top?.id), probability: top ? percentText(top.afterTopP) : '' } };
    },
  },
  sample: {
    shape: 'step',
    region: 'output',
    family: 'sampling',
    hooks: [],
    tab: 'sampling',
    outsideGraph: true,
    size: keptCandidates,
    picture: sampledCandidates(
      (candidate) => candidate.afterTopP,
      (c) => `top-p ${shownT(c)}`,
    ),
    caption: (c): CaptionParts => {
      const token = tokenKey(c, c.decision?.chosenId);
      if (c.decision?.greedy) return { key: 'flow.caption.sampleGreedy', params: { token } };
      return { params: { draw: c.decision?.draw?.toPrecision(3) ?? '', token } };
    },
  },
  append: {
    shape: 'step',
    region: 'output',
    family: 'io',
    hooks: [],
    tab: 'sampling',
    size: (c) => shape(dim(c.span.last + 2, 'tokens')),
    picture: (c) => ({ kind: 'tokens', items: [{ label: c.tokenLabel(appendedId(c) ?? c.decision.chosenId), color: '#e15759' }] }),
    caption: (c): CaptionParts => {
      const appended = appendedId(c);
      // A teacher-forced run appends the token it is fed, whatever its own draw picked.
      if (appended !== undefined && c.decision && appended !== c.decision.chosenId)
        return { key: 'flow.caption.appendForced', params: { token: tokenKey(c, appended), own: tokenKey(c, c.decision.chosenId) } };
      return { params: { token: tokenKey(c, appended ?? c.decision?.chosenId) } };
    },
  },
  done: {
    shape: 'decision',
    region: 'output',
    family: 'control',
    hooks: [],
    tab: 'sampling',
    caption: (c) => ({ params: { answer: c.frame.step === c.trace.steps.length - 1 && !c.generating ? 'flow.yes' : 'flow.no' } }),
  },
  end: {
    shape: 'terminal',
    region: 'output',
    family: 'control',
    hooks: [],
    tab: 'sampling',
    caption: (c): CaptionParts =>
      c.generating || !c.trace.stopReason
        ? { key: 'flow.caption.endRunning', params: {} }
        : { params: { reason: `flow.reason.${c.trace.stopReason}`, count: c.trace.steps.length, context: c.config.nCtx } },
  },
};

export function frameContext(
  trace: Trace,
  frame: Frame,
  head: number,
  tokenLabel: (id: number) => string,
  generating: boolean,
  cached: boolean | null = true,
): FrameContext {
  const span = stepSpan(trace, frame.step);
  const decision = trace.steps[frame.step]?.decision ?? null;
  const t = span ? span.last - span.first + 1 : trace.promptLength;
  return { trace, config: trace.config, frame, span, decision, t, layer: frame.layer ?? 0, head, tokenLabel, generating, cached };
}

/** The frame's context once its step has been computed (what sizes and thumbnails need), else null. */
export function boxContext(context: FrameContext): BoxContext | null {
  return context.span && context.decision ? (context as BoxContext) : null;
}

/** At most this many cells per side in the chart's thumbnail: longer inputs are averaged into blocks, so the
 * thumbnail stays cheap to draw at every frame. */
const MINI_BLOCKS = 24;

/** The head's attention (or scores) for every position up to this step's last one, as a mini heatmap. */
function attentionMini(c: BoxContext, node: 'scores' | 'mask' | 'softmax'): MiniViz {
  const full = attentionValues(c, node);
  const n = c.span.keys;
  if (n <= MINI_BLOCKS) return { kind: 'heatmap', rows: n, cols: n, values: full };
  const values: number[] = [];
  for (let by = 0; by < MINI_BLOCKS; by++) {
    for (let bx = 0; bx < MINI_BLOCKS; bx++) {
      const [r0, r1] = [Math.floor((by * n) / MINI_BLOCKS), Math.floor(((by + 1) * n) / MINI_BLOCKS)];
      const [c0, c1] = [Math.floor((bx * n) / MINI_BLOCKS), Math.floor(((bx + 1) * n) / MINI_BLOCKS)];
      let sum = 0;
      for (let r = r0; r < r1; r++) for (let col = c0; col < c1; col++) sum += full[r * n + col]!;
      values.push(sum / Math.max(1, (r1 - r0) * (c1 - c0)));
    }
  }
  return { kind: 'heatmap', rows: MINI_BLOCKS, cols: MINI_BLOCKS, values };
}

function attentionValues(c: BoxContext, node: 'scores' | 'mask' | 'softmax'): number[] {
  const hook = block(c, `attn.${node === 'softmax' ? 'hook_pattern' : node === 'mask' ? 'hook_attn_scores' : 'hook_attn_scores_unmasked'}`);
  const n = c.span.keys;
  const values = new Array<number>(n * n).fill(0);
  let min = Infinity;
  let max = -Infinity;
  for (let q = 0; q < n; q++) {
    const row = c.trace.rows[hook]?.[q];
    if (!row) continue;
    const width = row.length / c.config.nHead;
    const visible = node === 'scores' ? width : q + 1;
    for (let k = 0; k < Math.min(visible, n); k++) {
      const value = row[c.head * width + k]!;
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
