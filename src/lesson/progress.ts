import { CHAPTERS, type ChapterId, type QuestionId } from './chapters';

/** What the learner has answered, kept in the browser (localStorage) so the lesson resumes where they left it.
 * Only whether each answer was right: the questions themselves are rebuilt from a fresh run every time. */
export type Progress = Partial<Record<QuestionId, 'right' | 'wrong'>>;

export const PROGRESS_KEY = 'transformer-flow.lesson.v1';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

const QUESTION_IDS = new Set<string>(CHAPTERS.flatMap((chapter) => chapter.questions));

/** The stored progress; anything unreadable (another version, a hand-edited value, no storage) counts as none. */
export function loadProgress(store: Store | null): Progress {
  try {
    const raw: unknown = JSON.parse(store?.getItem(PROGRESS_KEY) ?? '{}');
    if (typeof raw !== 'object' || raw === null) return {};
    const progress: Progress = {};
    for (const [id, value] of Object.entries(raw)) {
      if (QUESTION_IDS.has(id) && (value === 'right' || value === 'wrong')) progress[id as QuestionId] = value;
    }
    return progress;
  } catch {
    return {};
  }
}

/** Records an answer; the first right answer stays right (a second try does not undo it). Storage errors (private
 * browsing, a full quota) leave the progress in memory only. */
export function recordAnswer(store: Store | null, progress: Progress, id: QuestionId, right: boolean): Progress {
  const next: Progress = { ...progress, [id]: right || progress[id] === 'right' ? 'right' : 'wrong' };
  try {
    store?.setItem(PROGRESS_KEY, JSON.stringify(next));
  } catch {
    // kept in memory
  }
  return next;
}

/** A chapter is done when every one of its questions has been answered (right or wrong). */
export function chapterState(progress: Progress, id: ChapterId): 'done' | 'started' | 'new' {
  const questions = CHAPTERS.find((chapter) => chapter.id === id)!.questions;
  const answered = questions.filter((question) => progress[question] !== undefined).length;
  return answered === questions.length ? 'done' : answered > 0 ? 'started' : 'new';
}

/** Where to pick up: the first chapter not done yet (the first one when all are done). */
export function resumeChapter(progress: Progress): ChapterId {
  return CHAPTERS.find((chapter) => chapterState(progress, chapter.id) !== 'done')?.id ?? CHAPTERS[0]!.id;
}
