import { type Trace } from '../engine/trace';
import { readLens, type LensParameters } from '../engine/lens';
import { norm } from '../engine/analysis';
import { isGrouped, kvHeadOf, traitsOf } from '../engine/models/architecture';
import { normalised } from '../engine/patching';
import { counted } from '../i18n/counting';
import type { Frame } from '../flow/timeline';
import type { QuestionId } from './chapters';
import {
  argmax,
  at,
  count,
  earlierOccurrence,
  headWeights,
  lastPromptPosition,
  num,
  percent,
  pickOptions,
  say,
  text,
  tokenAt,
  type Focus,
  type Option,
  type Question,
  type QuestionInputs,
  type Ref,
  type Sentence,
} from './sentences';
import { generationCache, samplingTemperature, samplingTop } from './decodingQuestions';
import { architectureQuestion } from './architectureQuestions';
import { inductionCopy, inductionLook } from './inductionQuestions';

/** The lesson's questions about the model's own computation (tokens, embedding, attention, MLP, logit lens), and
 * `buildQuestion` for all of them. Options, answers and every number revealed come from the Trace's tensors. */

export * from './sentences';
export {
  cacheCheckHooks,
  cacheDifference,
  cacheHooks,
  HOT_TEMPERATURE,
  ROUNDING_TOLERANCE,
  withinRounding,
  type CacheDifference,
} from './decodingQuestions';

function positionOptions(answer: number, last: number, score: (position: number) => number): Option[] {
  const all = Array.from({ length: last + 1 }, (_, p) => p);
  return pickOptions(answer, [0, last - 1, last], all, score).map((position) => ({ key: `p${position}`, ref: at(position) }));
}

/** How many tokens: the true count beside the numbers a learner might confuse it with (characters, bytes, words). */
function tokensCount(trace: Trace): Question {
  const tokens = trace.promptLength;
  const characters = Array.from(trace.prompt).length;
  const bytes = new TextEncoder().encode(trace.prompt).length;
  // Words only where spaces separate them (Chinese is written without).
  const words = trace.prompt.trim().split(/\s+/).length;
  const values = [...new Set([tokens, characters, bytes, ...(words > 1 ? [words] : [])])];
  for (const delta of [1, -1, 2, -2, 3])
    if (values.length < 4 && tokens + delta > 0 && !values.includes(tokens + delta)) values.push(tokens + delta);
  const options = values
    .slice(0, 4)
    .sort((a, b) => a - b)
    .map((value) => ({ key: `n${value}`, ref: count(value) }));
  const pieces = trace.tokens.slice(0, tokens).filter((token) => token.text === null).length;
  const reveal = [say('lesson.tokens.count.reveal', { tokens: count(tokens), characters: count(characters), bytes: count(bytes) })];
  if (pieces > 0) reveal.push(say('lesson.tokens.count.pieces', { pieces: count(pieces) }));
  return {
    id: 'tokens.count',
    ask: say('lesson.tokens.count.ask', { characters: count(characters) }),
    options,
    answer: `n${tokens}`,
    reveal,
    bars: null,
    why: [say('lesson.tokens.count.why', { vocab: count(trace.config.vocabSize) })],
    focus: { node: 'tokenize', tab: 'tokens', layer: null, head: null, position: null, step: 0 },
  };
}

function difference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return norm(Array.from(a, (value, i) => value - b[i]!));
}

/** One token id at two positions: are the vectors entering layer 1 equal? With a learned position table they differ
 * by the two position rows; with RoPE nothing is added, and the positions enter only when Q and K are rotated. */
function embeddingSame(trace: Trace): Question | null {
  const n = trace.promptLength;
  let first = -1;
  let second = -1;
  for (let b = 1; b < n && second < 0; b++) {
    const a = trace.tokens.slice(0, b).findIndex((token) => token.id === trace.tokens[b]!.id);
    if (a >= 0) [first, second] = [a, b];
  }
  if (second < 0) return null;
  const rope = traitsOf(trace.config).position === 'rope';
  const x = trace.rows['blocks.0.hook_resid_pre']!;
  const residual = difference(x[first]!, x[second]!);
  const same = residual <= 1e-6 * Math.max(1, norm(x[first]!));
  const embed = trace.rows['hook_embed']!;
  const params = { token: { kind: 'token', id: trace.tokens[first]!.id } as Ref, a: count(counted(first)), b: count(counted(second)) };
  const reveal = [say('lesson.embedding.same.embed', { ...params, embed: num(difference(embed[first]!, embed[second]!)) })];
  if (rope) {
    const q = trace.rows['blocks.0.attn.hook_q'];
    const rotated = trace.rows['blocks.0.attn.hook_rot_q'];
    reveal.push(say('lesson.embedding.same.resid', { ...params, residual: num(residual) }));
    if (q && rotated)
      reveal.push(
        say('lesson.embedding.same.rope', {
          before: num(difference(q[first]!, q[second]!)),
          after: num(difference(rotated[first]!, rotated[second]!)),
        }),
      );
  } else {
    const positions = trace.rows['hook_pos_embed']!;
    reveal.push(
      say('lesson.embedding.same.position', {
        ...params,
        context: count(trace.config.nCtx),
        positionGap: num(difference(positions[first]!, positions[second]!)),
        residual: num(residual),
      }),
    );
  }
  return {
    id: 'embedding.same',
    ask: say('lesson.embedding.same.ask', params),
    options: [
      { key: 'same', ref: text('lesson.option.same') },
      { key: 'different', ref: text('lesson.option.different') },
    ],
    answer: same ? 'same' : 'different',
    reveal,
    bars: null,
    why: [say(rope ? 'lesson.embedding.same.whyRope' : 'lesson.embedding.same.whyLearned', { context: count(trace.config.nCtx) })],
    focus: rope
      ? { node: 'rope', tab: 'embedding', layer: 0, head: null, position: second, step: 0 }
      : { node: 'posEmbed', tab: 'embedding', layer: null, head: null, position: second, step: 0 },
  };
}

/** The head (over all layers) whose strongest look from the last token is clearest: the largest top weight on a
 * token other than the first (where many heads park their attention) and itself; any head if none qualifies. */
export function clearestHead(trace: Trace, position: number): { layer: number; head: number } {
  let best = { layer: 0, head: 0, weight: -1, preferred: false };
  for (let layer = 0; layer < trace.config.nLayer; layer++) {
    for (let head = 0; head < trace.config.nHead; head++) {
      const weights = headWeights(trace, layer, head, position);
      const top = argmax(weights);
      const preferred = top !== 0 && top !== position;
      if ((preferred && !best.preferred) || (preferred === best.preferred && weights[top]! > best.weight))
        best = { layer, head, weight: weights[top]!, preferred };
    }
  }
  return { layer: best.layer, head: best.head };
}

function scoreAt(trace: Trace, layer: number, head: number, position: number, key: number): number {
  const row = trace.rows[`blocks.${layer}.attn.hook_attn_scores`]![position]!;
  return row[head * (row.length / trace.config.nHead) + key]!;
}

function attentionLook(trace: Trace): Question {
  const last = lastPromptPosition(trace);
  const { layer, head } = clearestHead(trace, last);
  const weights = headWeights(trace, layer, head, last);
  const top = argmax(weights);
  const token = tokenAt(trace, last);
  const earlier = earlierOccurrence(trace, last);
  const reveal = [
    say('lesson.attention.look.reveal', {
      head: count(counted(head)),
      weight: percent(weights[top]!),
      token: at(top),
      score: num(scoreAt(trace, layer, head, last, top)),
    }),
  ];
  // The habit the look matches, where it matches one: the earlier copy of this token, the token after it, the one before.
  if (earlier >= 0 && top === earlier) reveal.push(say('lesson.attention.look.asDuplicate', { token }));
  else if (earlier >= 0 && top === earlier + 1 && top !== last - 1) reveal.push(say('lesson.attention.look.asInduction', { token }));
  else if (top === last - 1) reveal.push(say('lesson.attention.look.asPrevious'));
  const why = [
    earlier >= 0 && earlier + 1 < last
      ? say('lesson.attention.look.whyRepeat', { token, next: at(earlier + 1) })
      : say('lesson.attention.look.whyHeads'),
    say('lesson.attention.look.why', { sqrt: num(Math.sqrt(trace.config.dHead)), dHead: count(trace.config.dHead) }),
  ];
  if (traitsOf(trace.config).position === 'rope') why.push(say('lesson.attention.look.whyRope'));
  if (isGrouped(trace.config))
    why.push(
      say('lesson.attention.look.whyGqa', {
        head: count(counted(head)),
        kvHead: count(counted(kvHeadOf(trace.config, head))),
        group: count(trace.config.nHead / trace.config.nKvHead),
      }),
    );
  return {
    id: 'attention.look',
    ask: say('lesson.attention.look.ask', { layer: count(counted(layer)), head: count(counted(head)), token }),
    options: positionOptions(top, last, (p) => weights[p]!),
    answer: `p${top}`,
    reveal,
    bars: {
      title: say('lesson.attention.look.bars', { layer: count(counted(layer)), head: count(counted(head)) }),
      format: 'percent',
      items: weights.map((value, p) => ({ ref: at(p), value, highlight: p === top })),
    },
    why,
    focus: { node: 'softmax', tab: 'attention', layer, head, position: last, step: 0 },
  };
}

function headsTotal(trace: Trace): Question {
  const last = lastPromptPosition(trace);
  const { nLayer, nHead } = trace.config;
  const total = new Array<number>(last + 1).fill(0);
  let first = 0;
  let previous = 0;
  let self = 0;
  for (let layer = 0; layer < nLayer; layer++) {
    for (let head = 0; head < nHead; head++) {
      const weights = headWeights(trace, layer, head, last);
      weights.forEach((w, p) => (total[p]! += w));
      const top = argmax(weights);
      if (top === 0) first++;
      else if (top === last) self++;
      else if (top === last - 1) previous++;
    }
  }
  const heads = nLayer * nHead;
  const mean = total.map((value) => value / heads);
  const top = argmax(mean);
  return {
    id: 'heads.total',
    ask: say('lesson.heads.total.ask', { heads: count(heads), layers: count(nLayer), perLayer: count(nHead), token: tokenAt(trace, last) }),
    options: positionOptions(top, last, (p) => mean[p]!),
    answer: `p${top}`,
    reveal: [
      say('lesson.heads.total.reveal', { token: at(top), mean: percent(mean[top]!) }),
      say('lesson.heads.total.split', {
        heads: count(heads),
        first: count(first),
        previous: count(previous),
        self: count(self),
        other: count(heads - first - previous - self),
      }),
    ],
    bars: {
      title: say('lesson.heads.total.bars', { heads: count(heads) }),
      format: 'percent',
      items: mean.map((value, p) => ({ ref: at(p), value, highlight: p === top })),
    },
    why: [say('lesson.heads.total.why', { dHead: count(trace.config.dHead), perLayer: count(nHead), dModel: count(trace.config.dModel) })],
    focus: { node: 'scores', tab: 'attention', layer: 0, head: 0, position: last, step: 0 },
  };
}

/** The residual stream an MLP's output is added to, at one position: the stream after the layer's attention (the
 * layer's output minus the MLP's, where the graph has no capture point for it). */
export function streamBeforeMlp(trace: Trace, layer: number, position: number): ArrayLike<number> {
  const mid = trace.rows[`blocks.${layer}.hook_resid_mid`]?.[position];
  if (mid) return mid;
  const post = trace.rows[`blocks.${layer}.hook_resid_post`]![position]!;
  const mlp = trace.rows[`blocks.${layer}.hook_mlp_out`]![position]!;
  return Array.from(post, (value, i) => value - mlp[i]!);
}

/** Which MLP changes the stream more for its length, the first layer's or the last's? Pre-norm answers it: every
 * MLP reads a normalised copy, so its output's size does not follow the stream's, while the stream only
 * accumulates. The lengths are the run's, at the prompt's last position. */
function mlpDepth(trace: Trace): Question | null {
  const { nLayer, dModel, dMlp } = trace.config;
  if (nLayer < 2) return null;
  const last = lastPromptPosition(trace);
  const layers = Array.from({ length: nLayer }, (_, l) => l);
  const mlp = layers.map((l) => norm(trace.rows[`blocks.${l}.hook_mlp_out`]![last]!));
  const stream = layers.map((l) => norm(streamBeforeMlp(trace, l, last)));
  const ratio = layers.map((l) => mlp[l]! / stream[l]!);
  const final = nLayer - 1;
  const answer = ratio[0]! >= ratio[final]! ? 'first' : 'last';
  const answerLayer = answer === 'first' ? 0 : final;
  const traits = traitsOf(trace.config);
  const swiglu = traits.mlp === 'swiglu';
  // Weight matrices only (biases and norms are a rounding error): W_Q, W_K, W_V, W_O against the MLP's two or three.
  const { nHead, nKvHead, dHead } = trace.config;
  const attentionWeights = 2 * dModel * nHead * dHead + 2 * dModel * nKvHead * dHead;
  const mlpWeights = (swiglu ? 3 : 2) * dModel * dMlp;
  return {
    id: 'mlp.depth',
    ask: say('lesson.mlp.depth.ask', { token: tokenAt(trace, last) }),
    options: [
      { key: 'first', ref: text('lesson.option.firstLayer') },
      { key: 'last', ref: text('lesson.option.lastLayer', { layer: count(counted(final)) }) },
    ],
    answer,
    reveal: [
      say('lesson.mlp.depth.reveal', {
        firstMlp: num(mlp[0]!),
        firstStream: num(stream[0]!),
        firstRatio: num(ratio[0]!),
        last: count(counted(final)),
        lastMlp: num(mlp[final]!),
        lastStream: num(stream[final]!),
        lastRatio: num(ratio[final]!),
      }),
    ],
    bars: {
      title: say('lesson.mlp.depth.bars'),
      format: 'number',
      items: ratio.map((value, l) => ({ ref: { kind: 'layer', layer: l }, value, highlight: l === answerLayer })),
    },
    why: [
      say('lesson.mlp.depth.whyNorm', { norm: text(traits.norm === 'rmsnorm' ? 'lesson.norm.rmsnorm' : 'lesson.norm.layernorm') }),
      say(answer === 'first' ? 'lesson.mlp.depth.whyFirst' : 'lesson.mlp.depth.whyLast'),
      say(swiglu ? 'lesson.mlp.depth.whySwiglu' : 'lesson.mlp.depth.whyGelu', {
        dModel: count(dModel),
        dMlp: count(dMlp),
        ratio: num(dMlp / dModel),
        share: percent(mlpWeights / (mlpWeights + attentionWeights)),
      }),
    ],
    focus: { node: 'mlp', tab: 'mlp', layer: answerLayer, head: null, position: last, step: 0 },
  };
}

/** What the lens question reads: the residual stream at the prompt's last position, after the embedding and after
 * each layer, and the token the model finally predicts there. */
export function lensTarget(trace: Trace): { position: number; id: number; vectors: Float32Array[] } {
  const position = lastPromptPosition(trace);
  const hooks = ['blocks.0.hook_resid_pre', ...Array.from({ length: trace.config.nLayer }, (_, l) => `blocks.${l}.hook_resid_post`)];
  return {
    position,
    id: argmax(trace.rows['logits']![position]!),
    vectors: hooks.map((hook) => trace.rows[hook]![position]! as Float32Array),
  };
}

/** The lens at each stage (lensTarget): the final prediction's rank and probability there. */
export function lensStages(trace: Trace, lens: LensParameters): { rank: number; probability: number }[] {
  const { id, vectors } = lensTarget(trace);
  return vectors.map((vector) => readLens(vector, lens, 0, id).tracked!);
}

function lensFirst(trace: Trace, stages: { rank: number; probability: number }[] | null | undefined): Question | null {
  if (!stages) return null;
  const last = lastPromptPosition(trace);
  const final = argmax(trace.rows['logits']![last]!);
  const answer = stages.findIndex((stage) => stage.rank === 0);
  if (answer < 0) return null; // the last layer's lens is the model's own logits; only a broken lens misses
  const all = stages.map((_, s) => s);
  const chosen = all.length <= 8 ? all : pickOptions(answer, [0, all.length - 1], all, (s) => -Math.abs(s - answer));
  const rms = traitsOf(trace.config).norm === 'rmsnorm';
  return {
    id: 'lens.first',
    ask: say('lesson.lens.first.ask', { token: tokenAt(trace, last), final: { kind: 'token', id: final } }),
    options: chosen.map((stage) => ({ key: `s${stage}`, ref: { kind: 'stage', stage } })),
    answer: `s${answer}`,
    reveal: [
      say('lesson.lens.first.reveal', {
        stage: { kind: 'stage', stage: answer },
        final: { kind: 'token', id: final },
        probability: percent(stages[answer]!.probability),
        rank: count(stages[0]!.rank + 1),
      }),
    ],
    bars: {
      title: say('lesson.lens.first.bars', { final: { kind: 'token', id: final } }),
      format: 'percent',
      items: stages.map((stage, s) => ({ ref: { kind: 'stage', stage: s }, value: stage.probability, highlight: s === answer })),
    },
    why: [say(rms ? 'lesson.lens.first.whyRms' : 'lesson.lens.first.whyLayerNorm')],
    focus: { node: 'unembed', tab: 'lens', layer: null, head: null, position: last, step: 0 },
  };
}

/** Patching the clean run's residual stream into the corrupted one at the last position: from which layer on does
 * it bring back at least half of the clean answer? Before that layer the name's information is still at its own
 * position (patching there brings it back); from it on, an attention layer has moved it to the last position. */
function patchingWhere(trace: Trace, patch: QuestionInputs['patch']): Question | null {
  // (Asked on a sweep of every layer: a coarse one would skip the layer asked for.)
  if (!patch?.result.resid || patch.differing.length === 0 || patch.result.layers !== trace.config.nLayer) return null;
  const { result, differing } = patch;
  const { layers, positions } = result;
  const last = positions - 1;
  // (No share to speak of when both runs give the two answers the same difference.)
  if (!(Math.abs(result.cleanDiff - result.corruptedDiff) > 1e-6)) return null;
  const share = (layer: number, position: number) => normalised(result.resid![layer * positions + position]!, result);
  const shares = Array.from({ length: layers }, (_, layer) => share(layer, last));
  const found = shares.findIndex((value) => value >= 0.5);
  // The end of the changed span (a name cut into several tokens gathers there).
  const changed = differing[differing.length - 1]!;
  const pivot = found >= 0 ? found : layers - 1;
  const token = tokenAt(trace, changed);
  const answers = {
    cleanAnswer: { kind: 'token', id: patch.answers.clean } as Ref,
    corruptedAnswer: { kind: 'token', id: patch.answers.corrupted } as Ref,
  };
  const reveal: Sentence[] = [];
  if (found >= 0) {
    reveal.push(say('lesson.patching.where.reveal', { where: { kind: 'layer', layer: found }, share: num(shares[found]!), ...answers }));
    if (found > 0) {
      const before = share(found - 1, changed);
      reveal.push(
        say(before >= 0.5 ? 'lesson.patching.where.before' : 'lesson.patching.where.beforeSpread', {
          where: { kind: 'layer', layer: found - 1 },
          share: num(before),
          lastShare: num(shares[found - 1]!),
          token,
        }),
      );
    }
  } else {
    // Even entering the last layer the last position holds too little: that layer's attention reads the changed
    // token's own column.
    const atToken = share(layers - 1, changed);
    reveal.push(
      say(atToken >= 0.5 ? 'lesson.patching.where.revealNever' : 'lesson.patching.where.revealNeverSpread', {
        where: { kind: 'layer', layer: layers - 1 },
        lastShare: num(shares[layers - 1]!),
        share: num(atToken),
        token,
        ...answers,
      }),
    );
  }
  return {
    id: 'patching.where',
    ask: say('lesson.patching.where.ask', { token, last: tokenAt(trace, last) }),
    // Every layer is an option (a subset would tell where the answer lies).
    options: [
      ...shares.map((_, layer) => ({ key: `l${layer}`, ref: { kind: 'layer', layer } as Ref })),
      { key: 'never', ref: text('lesson.patching.where.never') },
    ],
    answer: found >= 0 ? `l${found}` : 'never',
    reveal,
    bars: {
      title: say('lesson.patching.where.bars', { last: tokenAt(trace, last) }),
      format: 'number',
      items: shares.map((value, layer) => ({ ref: { kind: 'layer', layer }, value, highlight: layer === found })),
    },
    why: [say('lesson.patching.where.why')],
    // (The stream entering a layer is what its first norm reads.)
    focus: { node: 'ln1', tab: 'patching', layer: pivot, head: null, position: last, step: 0 },
  };
}

/** The question `id` on this Trace, or null when its inputs are missing (the lens not loaded yet, no repeated token,
 * no recompute, a single layer to compare). */
export function buildQuestion(id: QuestionId, trace: Trace, inputs: QuestionInputs = {}): Question | null {
  switch (id) {
    case 'tokens.count':
      return tokensCount(trace);
    case 'embedding.same':
      return embeddingSame(trace);
    case 'attention.look':
      return attentionLook(trace);
    case 'heads.total':
      return headsTotal(trace);
    case 'mlp.depth':
      return mlpDepth(trace);
    case 'lens.first':
      return lensFirst(trace, inputs.lensStages);
    case 'sampling.top':
      return samplingTop(trace);
    case 'sampling.temperature':
      return samplingTemperature(trace);
    case 'patching.where':
      return patchingWhere(trace, inputs.patch);
    case 'induction.look':
      return inductionLook(trace, inputs.headRoles, inputs.embedded ?? false, inputs.copyModel ?? null);
    case 'induction.copy':
      return inductionCopy(trace);
    case 'generation.cache':
      return generationCache(trace, inputs.recomputed, inputs.cached ?? true, inputs.cacheValueBytes, inputs.rounding);
    case 'architectures.position':
    case 'architectures.kv':
      return architectureQuestion(id, trace, inputs.beside ?? null, {
        first: inputs.cacheValueBytes ?? 4,
        second: inputs.besideCacheValueBytes ?? 4,
      });
  }
}

/** What a question needs beyond the Trace. */
export function needs(id: QuestionId): 'lens' | 'recompute' | 'patch' | 'beside' | 'headRoles' | null {
  if (id.startsWith('architectures.')) return 'beside';
  if (id === 'induction.look') return 'headRoles';
  return id === 'lens.first' ? 'lens' : id === 'generation.cache' ? 'recompute' : id === 'patching.where' ? 'patch' : null;
}

/** The playback frame of a question's box (at its layer and step), or -1 when the chart has no such box. */
export function frameFor(frames: readonly Frame[], focus: Focus): number {
  return frames.findIndex(
    (frame) => frame.node === focus.node && frame.step === focus.step && (focus.layer === null || frame.layer === focus.layer),
  );
}
