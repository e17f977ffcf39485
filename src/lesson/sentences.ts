import { computedPositions, type Trace } from '../engine/trace';
import type { NodeId } from '../flow/chart';
import type { lessonEn } from '../i18n/lesson.en';
import type { QuestionId } from './chapters';
import type { ActivationRounding } from '../engine/models/precision';
import type { PatchResult } from '../engine/patching';
import type { HeadRoleScores } from '../engine/headRoles';

/** What a lesson question is made of, and the helpers its builders share (questions.ts, decodingQuestions.ts). The
 * options, the answer and every number a reveal shows are computed from the run's Trace, never written down in
 * advance. No DOM: the lesson panel renders these. */

export type LessonKey = keyof typeof lessonEn;

/** Something a sentence, an option or a bar names; the panel turns it into text (token labels, formatted numbers). */
export type Ref =
  | { kind: 'token'; id: number }
  | { kind: 'position'; position: number }
  /** The residual stream after the embedding (0) or after layer `stage` (1-based, as the views count). */
  | { kind: 'stage'; stage: number }
  | { kind: 'layer'; layer: number }
  | { kind: 'count'; value: number }
  | { kind: 'number'; value: number }
  | { kind: 'percent'; value: number }
  | { kind: 'text'; key: LessonKey; params?: Record<string, Ref> }
  /** A model, by the name it was loaded as. */
  | { kind: 'model'; name: string };

export interface Sentence {
  key: LessonKey;
  params: Record<string, Ref>;
}

export interface Option {
  key: string;
  ref: Ref;
}

export interface Bar {
  ref: Ref;
  value: number;
  highlight: boolean;
}

/** Where the app's chart and detail views go when the answer is revealed, so the learner sees the same numbers there. */
export interface Focus {
  node: NodeId;
  tab: 'tokens' | 'embedding' | 'attention' | 'mlp' | 'lens' | 'sampling' | 'patching';
  layer: number | null;
  head: number | null;
  position: number | null;
  step: number;
}

export interface Question {
  id: QuestionId;
  ask: Sentence;
  options: Option[];
  answer: string;
  /** What the Trace says, sentence by sentence, with its numbers. */
  reveal: Sentence[];
  bars: { title: Sentence; format: 'percent' | 'number'; items: Bar[] } | null;
  /** Why it comes out this way: sentences chosen for the model's architecture. */
  why: Sentence[];
  focus: Focus;
  /** Another model to run the chapter on, offered beside the reveal (an embedded model trained to copy, where the
   * loaded one has no induction head). */
  offer?: { model: string };
}

/** What a question may need besides the Trace: the final norm and W_E for the lens; a from-scratch recompute of the
 * sequence (captured tensors, position-major) for the KV-cache question. */
export interface QuestionInputs {
  /** The logit lens at each stage of the residual stream (see `lensTarget`): where the final prediction ranks, and
   * its probability; read in the engine worker. */
  lensStages?: { rank: number; probability: number }[] | null;
  recomputed?: Record<string, { data: Float32Array }> | null;
  /** Whether the graph ran each new token alone with a KV cache (false: it recomputed the sequence every step). */
  cached?: boolean;
  /** Bytes per number the KV cache holds (4 for float32, 2 for an fp16 graph's float16 cache). */
  cacheValueBytes?: number;
  /** How the graph rounds its activations, which sets how far a cache check's recompute may differ as rounding. */
  rounding?: ActivationRounding;
  /** The chapter's patching sweep (clean = the run's prompt), with the positions where its two prompts differ. */
  patch?: { result: PatchResult; differing: number[]; answers: { clean: number; corrupted: number } } | null;
  /** The head-role test's scores on the loaded model (the induction chapter's head). */
  headRoles?: HeadRoleScores | null;
  /** The loaded model is one the app ships (whose training text the lesson can speak of). */
  embedded?: boolean;
  /** An embedded model trained to copy that is not the loaded one (the induction chapter offers it). */
  copyModel?: string | null;
  /** The model beside's run of the same prompt, seed and settings (the comparison of two architectures). */
  beside?: Trace | null;
  /** Bytes per number the model beside's KV cache holds. */
  besideCacheValueBytes?: number;
}

export const count = (value: number): Ref => ({ kind: 'count', value });
export const num = (value: number): Ref => ({ kind: 'number', value });
export const percent = (value: number): Ref => ({ kind: 'percent', value });
export const at = (position: number): Ref => ({ kind: 'position', position });
/** The token at a position, named by its text alone (in questions, where the position goes without saying). */
export const tokenAt = (trace: Trace, position: number): Ref => ({ kind: 'token', id: trace.tokens[position]!.id });
export const text = (key: LessonKey, params?: Record<string, Ref>): Ref => ({ kind: 'text', key, params });
export const say = (key: LessonKey, params: Record<string, Ref> = {}): Sentence => ({ key, params });

/** The last position of the prompt's own pass: where the first new token was predicted. */
export function lastPromptPosition(trace: Trace): number {
  return Math.min(trace.promptLength, computedPositions(trace)) - 1;
}

/** The attention weights of one head from `position` to every key 0..position. */
export function headWeights(trace: Trace, layer: number, head: number, position: number): number[] {
  const row = trace.rows[`blocks.${layer}.attn.hook_pattern`]![position]!;
  const width = row.length / trace.config.nHead;
  return Array.from({ length: position + 1 }, (_, k) => row[head * width + k]!);
}

/** The most recent earlier position of the token at `last`, or -1: where a repeated token (a name said again) first
 * stood, so the lesson can say which habit a head's look matches. */
export function earlierOccurrence(trace: Trace, last: number): number {
  for (let p = last - 1; p >= 0; p--) if (trace.tokens[p]!.id === trace.tokens[last]!.id) return p;
  return -1;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Four options (or all, if there are fewer): the answer, the given distractors, then the next best by `score`;
 * shown in their natural order (position, layer) so the order gives nothing away. */
export function pickOptions(answer: number, distractors: number[], all: number[], score: (value: number) => number, size = 4): number[] {
  const chosen: number[] = [answer];
  for (const value of distractors) if (chosen.length < size && all.includes(value) && !chosen.includes(value)) chosen.push(value);
  const rest = all.filter((value) => !chosen.includes(value)).sort((a, b) => score(b) - score(a) || a - b);
  for (const value of rest) if (chosen.length < size) chosen.push(value);
  return chosen.sort((a, b) => a - b);
}
