import type { Trace } from '../engine/trace';
import { ROLE_THRESHOLD, strongestHead, type HeadRoleScores } from '../engine/headRoles';
import { counted } from '../i18n/counting';
import {
  argmax,
  at,
  count,
  earlierOccurrence,
  headWeights,
  lastPromptPosition,
  percent,
  say,
  text,
  tokenAt,
  type Option,
  type Question,
  type Ref,
  type Sentence,
} from './sentences';

/** The induction chapter's questions (docs/head-roles.md): the prompt repeats a made-up list, so its last token has
 * been seen once before, and what followed it then is what a copying model writes next. The head asked about is
 * the loaded model's strongest induction head on the head-role test (random tokens, twice over); every answer and
 * number comes from the chapter's run. */

/** Where the last token stood before, and the token after it then; null when the prompt's last token is new (or
 * stood only just before itself). */
export function repeatOf(trace: Trace): { last: number; earlier: number; next: number } | null {
  const last = lastPromptPosition(trace);
  const earlier = earlierOccurrence(trace, last);
  return earlier >= 0 && earlier + 1 < last ? { last, earlier, next: earlier + 1 } : null;
}

type Place = 'previous' | 'same' | 'next' | 'start' | 'elsewhere';

/** Which of the habits a look at `key` from `last` matches. */
function placeOf(key: number, repeat: { last: number; earlier: number; next: number }): Place {
  if (key === repeat.next) return 'next';
  if (key === repeat.earlier) return 'same';
  if (key === repeat.last - 1) return 'previous';
  if (key === 0) return 'start';
  return 'elsewhere';
}

/** From the repeated token, where does the strongest induction head look most? `copyModel`: an embedded model
 * trained to copy, offered when the loaded model has no induction head. */
export function inductionLook(
  trace: Trace,
  scores: HeadRoleScores | null | undefined,
  embedded = false,
  copyModel: string | null = null,
): Question | null {
  const repeat = repeatOf(trace);
  if (!repeat || !scores || scores.layers !== trace.config.nLayer || scores.heads !== trace.config.nHead) return null;
  const { layer, head, score } = strongestHead(scores, 'induction');
  const weights = headWeights(trace, layer, head, repeat.last);
  const top = argmax(weights);
  const answer = placeOf(top, repeat);
  const token = tokenAt(trace, repeat.last);
  const next = tokenAt(trace, repeat.next);
  const named = { layer: count(counted(layer)), head: count(counted(head)) };
  const options: Option[] = [
    { key: 'previous', ref: text('lesson.induction.look.previous', { token: at(repeat.last - 1) }) },
    { key: 'same', ref: text('lesson.induction.look.same', { token }) },
    { key: 'next', ref: text('lesson.induction.look.next', { token, next }) },
    { key: 'start', ref: text('lesson.induction.look.start', { token: at(0) }) },
    { key: 'elsewhere', ref: text('lesson.induction.look.elsewhere') },
  ];
  const passes = score >= ROLE_THRESHOLD;
  const reveal: Sentence[] = [
    say('lesson.induction.look.reveal', { ...named, weight: percent(weights[top]!), token: at(top) }),
    // (A look that matches the pattern from a head the test does not name is said so, not called an induction head.)
    say(
      answer === 'next'
        ? passes
          ? 'lesson.induction.look.asInduction'
          : 'lesson.induction.look.asInductionHere'
        : 'lesson.induction.look.notInduction',
      {
        token,
        next,
        share: percent(weights[repeat.next]!),
      },
    ),
    say('lesson.induction.look.test', {
      ...named,
      score: percent(score),
      previous: percent(scores.scores.previous[layer * scores.heads + head]!),
    }),
  ];
  // A model with no head that passes the test is told so: the question's head is only its best try.
  const offer = !passes && copyModel !== null ? { model: copyModel } : undefined;
  if (!passes)
    reveal.push(
      say(embedded ? 'lesson.induction.look.noneEmbedded' : 'lesson.induction.look.none', {
        score: percent(score),
        threshold: percent(ROLE_THRESHOLD),
      }),
    );
  if (offer) reveal.push(say('lesson.induction.look.offer', { model: { kind: 'model', name: offer.model } }));
  // The previous-token head an induction head reads from sits in an earlier layer: name the strongest one there is.
  const previous = strongestHead(scores, 'previous');
  const why: Sentence[] = [say('lesson.induction.look.why', { token, next })];
  if (previous.layer < layer && passes)
    why.push(
      say('lesson.induction.look.whyCircuit', {
        layer: count(counted(previous.layer)),
        head: count(counted(previous.head)),
        score: percent(previous.score),
      }),
    );
  return {
    id: 'induction.look',
    ask: say('lesson.induction.look.ask', { ...named, token }),
    options,
    answer,
    reveal,
    bars: {
      title: say('lesson.induction.look.bars', named),
      format: 'percent',
      items: weights.map((value, p) => ({ ref: at(p), value, highlight: p === top })),
    },
    why,
    focus: { node: 'softmax', tab: 'attention', layer, head, position: repeat.last, step: 0 },
    ...(offer ? { offer } : {}),
  };
}

/** What does the model write next: the token that followed last time? */
export function inductionCopy(trace: Trace): Question | null {
  const repeat = repeatOf(trace);
  const step = trace.steps[0];
  if (!repeat || !step || step.position !== repeat.last) return null;
  const candidates = step.decision.candidates;
  const copy = trace.tokens[repeat.next]!.id;
  const top = candidates[0]!;
  // The copied token and the model's three likeliest, by id so the order gives nothing away.
  const ids = [...new Set([copy, ...candidates.slice(0, 4).map((candidate) => candidate.id)])].slice(0, 4).sort((a, b) => a - b);
  const probability = (id: number) => candidates.find((candidate) => candidate.id === id)?.probability ?? null;
  const rank = candidates.findIndex((candidate) => candidate.id === copy);
  const copied: Ref = { kind: 'token', id: copy };
  const reveal: Sentence[] = [];
  if (top.id === copy) reveal.push(say('lesson.induction.copy.reveal', { token: copied, probability: percent(top.probability) }));
  else
    reveal.push(
      say(rank >= 0 ? 'lesson.induction.copy.revealOther' : 'lesson.induction.copy.revealAbsent', {
        top: { kind: 'token', id: top.id },
        topProbability: percent(top.probability),
        token: copied,
        probability: percent(probability(copy) ?? 0),
        rank: count(rank + 1),
        shown: count(candidates.length),
      }),
    );
  return {
    id: 'induction.copy',
    ask: say('lesson.induction.copy.ask', { token: tokenAt(trace, repeat.last) }),
    options: ids.map((id) => ({ key: `t${id}`, ref: { kind: 'token', id } })),
    answer: `t${top.id}`,
    reveal,
    bars: {
      title: say('lesson.induction.copy.bars'),
      format: 'percent',
      // (A token below the candidates the step keeps has no probability to show.)
      items: ids.flatMap((id) => {
        const value = probability(id);
        return value === null ? [] : [{ ref: { kind: 'token', id } as Ref, value, highlight: id === top.id }];
      }),
    },
    why: [say('lesson.induction.copy.why', { token: tokenAt(trace, repeat.last), next: copied })],
    focus: { node: 'probabilities', tab: 'sampling', layer: null, head: null, position: repeat.last, step: 0 },
  };
}
