import type { Locale } from '../i18n/index.svelte';
import { PATCH_EXAMPLES } from '../i18n/examples';

/** The guided lesson's chapters, in teaching order. Each runs the real model on a prompt written for
 * what it teaches, then asks its questions before it shows the numbers. Nothing here holds an answer: those are
 * computed from the run's Trace (src/lesson/questions.ts). */
export const CHAPTER_IDS = [
  'tokens',
  'embedding',
  'attention',
  'heads',
  'mlp',
  'lens',
  'sampling',
  'generation',
  'patching',
  'induction',
  'architectures',
] as const;
export type ChapterId = (typeof CHAPTER_IDS)[number];

export type QuestionId =
  | 'tokens.count'
  | 'embedding.same'
  | 'attention.look'
  | 'heads.total'
  | 'mlp.depth'
  | 'lens.first'
  | 'sampling.top'
  | 'sampling.temperature'
  | 'generation.cache'
  | 'patching.where'
  | 'induction.look'
  | 'induction.copy'
  | 'architectures.position'
  | 'architectures.kv';

export interface LessonRunSettings {
  temperature: number;
  topK: number;
  topP: number;
  minNewTokens: number;
  seed: number;
  maxNewTokens: number;
}

export interface Chapter {
  id: ChapterId;
  /** Prompts in the learner's language; the embedded models read both. */
  prompt: Record<Locale, string>;
  /** A second prompt of the same length, a token changed (the patching chapter's corrupted run). */
  corrupted?: Record<Locale, string>;
  questions: QuestionId[];
  settings: LessonRunSettings;
}

/** One new token is enough where the question is about the prompt's own pass; the loop chapter generates a few.
 * Nothing is held back (minNewTokens 0): the questions are about the model's own prediction. */
const ONE_STEP: LessonRunSettings = { temperature: 0.8, topK: 40, topP: 0.95, minNewTokens: 0, seed: 42, maxNewTokens: 1 };

export const CHAPTERS: readonly Chapter[] = [
  // Rare words and an emoji, so the learner sees words cut into pieces and bytes.
  {
    id: 'tokens',
    prompt: { en: 'Grandma baked unbelievably tasty cookies 🙂', 'zh-CN': '奶奶烤了一盘香喷喷的饼干🙂' },
    questions: ['tokens.count'],
    settings: ONE_STEP,
  },
  // The same words twice, so one token id sits at two positions.
  {
    id: 'embedding',
    prompt: { en: 'The cat saw the dog, and the dog saw the cat.', 'zh-CN': '小猫看见了小狗，小狗也看见了小猫。' },
    questions: ['embedding.same'],
    settings: ONE_STEP,
  },
  // A name that comes back as the same token (“ Lily” both times: at the very start, without its space, it would be
  // another token), so a head may look at its first appearance or at the token that followed it.
  {
    id: 'attention',
    prompt: { en: 'One day, Lily had a red ball. Lily', 'zh-CN': '小明有一只猫。小明' },
    questions: ['attention.look'],
    settings: ONE_STEP,
  },
  {
    id: 'heads',
    prompt: { en: 'After school, Tom and his sister went to the', 'zh-CN': '今天放学以后，我和妹妹一起去' },
    questions: ['heads.total'],
    settings: ONE_STEP,
  },
  {
    id: 'mlp',
    prompt: { en: 'My mother is a doctor. She works at the', 'zh-CN': '我的妈妈是一名医生，她每天去' },
    questions: ['mlp.depth'],
    settings: ONE_STEP,
  },
  {
    id: 'lens',
    prompt: { en: 'It was raining, so Tom took his', 'zh-CN': '外面下雨了，小明拿起了' },
    questions: ['lens.first'],
    settings: ONE_STEP,
  },
  {
    id: 'sampling',
    prompt: { en: 'Once upon a time, there was a little', 'zh-CN': '从前，森林里住着一只小' },
    questions: ['sampling.top', 'sampling.temperature'],
    settings: ONE_STEP,
  },
  {
    id: 'generation',
    prompt: { en: 'The sun was shining and the birds', 'zh-CN': '太阳出来了，小鸟' },
    questions: ['generation.cache'],
    settings: { ...ONE_STEP, maxNewTokens: 6 },
  },
  // A name changed, and the pronoun the model expects changes with it: where does the name's information travel?
  {
    id: 'patching',
    prompt: { en: PATCH_EXAMPLES.en.clean, 'zh-CN': PATCH_EXAMPLES['zh-CN'].clean },
    corrupted: { en: PATCH_EXAMPLES.en.corrupted, 'zh-CN': PATCH_EXAMPLES['zh-CN'].corrupted },
    questions: ['patching.where'],
    settings: ONE_STEP,
  },
  // A made-up list said twice: at the second “seven” / “风筝” only what followed it the first time can tell what
  // comes next (the list means nothing). A head that looks up that token and copies it is an induction head.
  {
    id: 'induction',
    prompt: {
      en: 'Lily said: blue tiger seven kite apple. Tom said: blue tiger seven',
      'zh-CN': '暗号是老虎月亮风筝苹果星星。再说一遍：老虎月亮风筝',
    },
    questions: ['induction.look', 'induction.copy'],
    settings: ONE_STEP,
  },
  // Two architectures on one prompt: the model beside runs it too. The same words twice, so one token sits at two
  // positions in both runs (the embedded models share a tokenizer).
  {
    id: 'architectures',
    prompt: { en: 'The cat saw the dog, and the dog saw the cat.', 'zh-CN': '小猫看见了小狗，小狗也看见了小猫。' },
    questions: ['architectures.position', 'architectures.kv'],
    settings: ONE_STEP,
  },
];

export function chapterById(id: string | null | undefined): Chapter | null {
  return CHAPTERS.find((chapter) => chapter.id === id) ?? null;
}

export function isChapterId(value: unknown): value is ChapterId {
  return typeof value === 'string' && (CHAPTER_IDS as readonly string[]).includes(value);
}

/** The chapter after `id`, or null after the last. */
export function nextChapter(id: ChapterId): Chapter | null {
  return CHAPTERS[CHAPTER_IDS.indexOf(id) + 1] ?? null;
}
