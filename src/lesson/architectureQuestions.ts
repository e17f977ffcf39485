import type { Trace } from '../engine/trace';
import { norm } from '../engine/analysis';
import { traitsOf } from '../engine/models/architecture';
import { counted } from '../i18n/counting';
import { count, num, say, text, type Question, type Ref, type Sentence } from './sentences';

/** The questions of the chapter that sets two architectures side by side: the app's run and the run of the same
 * prompt, seed and settings by the model beside (the comparison). Each answer is read from the two runs' tensors. */

const modelRef = (trace: Trace): Ref => ({ kind: 'model', name: trace.modelName });

/** Both runs read the prompt as the same tokens (the embedded models share a tokenizer): the questions point at a
 * position, which must mean the same token in both. */
function sameTokens(a: Trace, b: Trace): boolean {
  return a.promptLength === b.promptLength && a.tokens.slice(0, a.promptLength).every((token, p) => token.id === b.tokens[p]?.id);
}

function difference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return norm(Array.from(a, (value, i) => value - b[i]!));
}

/** The first token of the prompt that came before (its two positions), or null. */
function repeatedToken(trace: Trace): { first: number; second: number } | null {
  for (let second = 1; second < trace.promptLength; second++) {
    const first = trace.tokens.slice(0, second).findIndex((token) => token.id === trace.tokens[second]!.id);
    if (first >= 0) return { first, second };
  }
  return null;
}

/** Options naming where something happens: in neither model, only in the first, only in the second, in both. */
function whichModels(key: 'differ' | 'fewer', first: Trace, second: Trace) {
  const models = { first: modelRef(first), second: modelRef(second) };
  return [
    { key: 'neither', ref: text(`lesson.architectures.${key}.neither`, models) },
    { key: 'first', ref: text(`lesson.architectures.${key}.only`, { model: models.first }) },
    { key: 'second', ref: text(`lesson.architectures.${key}.only`, { model: models.second }) },
    { key: 'both', ref: text(`lesson.architectures.${key}.both`, models) },
  ];
}

const answerOf = (inFirst: boolean, inSecond: boolean) => (inFirst ? (inSecond ? 'both' : 'first') : inSecond ? 'second' : 'neither');

/** One token at two positions, in both models: do the vectors entering layer 1 differ? With a learned position table
 * they do (the table's two rows are added); with RoPE nothing is added, and the position enters when Q and K turn. */
function positionQuestion(first: Trace, second: Trace): Question | null {
  const pair = repeatedToken(first);
  if (!pair) return null;
  const token: Ref = { kind: 'token', id: first.tokens[pair.first]!.id };
  const positions = { a: count(counted(pair.first)), b: count(counted(pair.second)) };
  const entering = (trace: Trace) => {
    const [x1, x2] = [trace.rows['blocks.0.hook_resid_pre']?.[pair.first], trace.rows['blocks.0.hook_resid_pre']?.[pair.second]];
    if (!x1 || !x2) return null;
    const gap = difference(x1, x2);
    return { gap, differs: gap > 1e-6 * Math.max(1, norm(x1)) };
  };
  const [a, b] = [entering(first), entering(second)];
  // (A run without those rows, one stopped before its first pass: no question rather than a wrong one.)
  if (!a || !b) return null;
  const reveal: Sentence[] = [];
  for (const [trace, run] of [
    [first, a],
    [second, b],
  ] as const) {
    const model = modelRef(trace);
    if (traitsOf(trace.config).position === 'learned') {
      const [p1, p2] = [trace.rows['hook_pos_embed']?.[pair.first], trace.rows['hook_pos_embed']?.[pair.second]];
      if (!p1 || !p2) return null;
      reveal.push(
        say('lesson.architectures.position.learned', {
          model,
          ...positions,
          positionGap: num(difference(p1, p2)),
          gap: num(run.gap),
        }),
      );
    } else {
      const q = trace.rows['blocks.0.attn.hook_q'];
      const rotated = trace.rows['blocks.0.attn.hook_rot_q'];
      const [q1, q2, r1, r2] = [q?.[pair.first], q?.[pair.second], rotated?.[pair.first], rotated?.[pair.second]];
      reveal.push(say('lesson.architectures.position.rope', { model, ...positions, gap: num(run.gap) }));
      if (q1 && q2 && r1 && r2)
        reveal.push(say('lesson.architectures.position.turn', { model, before: num(difference(q1, q2)), after: num(difference(r1, r2)) }));
    }
  }
  const learnedFirst = traitsOf(first.config).position === 'learned';
  return {
    id: 'architectures.position',
    ask: say('lesson.architectures.position.ask', { token, ...positions }),
    options: whichModels('differ', first, second),
    answer: answerOf(a.differs, b.differs),
    reveal,
    bars: null,
    why: [say('lesson.architectures.position.why')],
    focus: learnedFirst
      ? { node: 'posEmbed', tab: 'embedding', layer: null, head: null, position: pair.second, step: 0 }
      : { node: 'rope', tab: 'embedding', layer: 0, head: null, position: pair.second, step: 0 },
  };
}

/** Query heads and key/value heads per layer, read from the width of each run's captured Q and K rows: which model
 * keeps fewer keys and values than it has queries (grouped-query attention), and what its cache keeps per token. */
function kvHeadsQuestion(first: Trace, second: Trace, valueBytes: { first: number; second: number }): Question | null {
  const heads = (trace: Trace, bytesPerValue: number) => {
    const q = trace.rows['blocks.0.attn.hook_q']?.[0];
    const k = trace.rows['blocks.0.attn.hook_k']?.[0];
    if (!q || !k) return null;
    const { dHead, nLayer } = trace.config;
    const [queries, kv] = [q.length / dHead, k.length / dHead];
    // Keys and values, every layer, for one token.
    return { queries, kv, bytes: 2 * k.length * nLayer * bytesPerValue };
  };
  const [a, b] = [heads(first, valueBytes.first), heads(second, valueBytes.second)];
  if (!a || !b) return null;
  const line = (trace: Trace, counts: { queries: number; kv: number; bytes: number }) =>
    say(counts.kv < counts.queries ? 'lesson.architectures.kv.grouped' : 'lesson.architectures.kv.full', {
      model: modelRef(trace),
      queries: count(counts.queries),
      kv: count(counts.kv),
      share: count(counts.queries / counts.kv),
      bytes: count(counts.bytes),
    });
  return {
    id: 'architectures.kv',
    ask: say('lesson.architectures.kv.ask'),
    options: whichModels('fewer', first, second),
    answer: answerOf(a.kv < a.queries, b.kv < b.queries),
    reveal: [line(first, a), line(second, b)],
    bars: null,
    why: [say('lesson.architectures.kv.why')],
    focus: { node: 'qkv', tab: 'attention', layer: 0, head: 0, position: null, step: 0 },
  };
}

/** The question `id` on the app's run and the model beside's run of the same prompt; null when there is no run
 * beside, or the two read the prompt as different tokens. */
export function architectureQuestion(
  id: 'architectures.position' | 'architectures.kv',
  trace: Trace,
  beside: Trace | null,
  valueBytes: { first: number; second: number },
): Question | null {
  if (!beside || !sameTokens(trace, beside)) return null;
  return id === 'architectures.position' ? positionQuestion(trace, beside) : kvHeadsQuestion(trace, beside, valueBytes);
}
