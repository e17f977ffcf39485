// The induction chapter's offer to load the embedded model trained to copy (LessonState.runOn), with a host whose
// model slot and runs are stand-ins: the phases it goes through, what a failed, cancelled or abandoned load leaves,
// and that a chapter started meanwhile runs only once the new model has taken the slot.
import { describe, expect, it } from 'vitest';
import { LessonState, type LessonHost } from '../../src/app/lesson.svelte';
import { chapterById } from '../../src/lesson/chapters';

const MODEL = 'flow-gpt2-tiny-induction';
const tick = (ms = 250) => new Promise((resolve) => setTimeout(resolve, ms));

/** A host whose load of the offered model ends when the test says, and which records the prompts it is asked to run. */
function fakeHost() {
  let finish: (loaded: boolean) => void = () => {};
  const slot = {
    model: { config: null },
    modelName: 'flow-gpt2-tiny',
    incoming: null as string | null,
    loadFailure: null as { name: string } | null,
  };
  const prompts: string[] = [];
  const cancelled: string[] = [];
  const host = {
    slot,
    runs: { generating: false, trace: null, runError: null },
    locale: () => 'en',
    runPrompt: async (prompt: string) => void prompts.push(prompt),
    focus: () => {},
    openEmbedded: (name: string) => {
      slot.incoming = name;
      return new Promise<boolean>((resolve) => {
        finish = (loaded) => {
          slot.incoming = null;
          if (loaded) slot.modelName = name;
          resolve(loaded);
        };
      });
    },
    cancelEmbedded: (name: string) => void cancelled.push(name),
  };
  return { host: host as unknown as LessonHost, slot, prompts, cancelled, finish: (loaded: boolean) => finish(loaded) };
}

/** A lesson standing at the induction chapter's revealed first question. */
function revealed(host: LessonHost): LessonState {
  const lesson = new LessonState(host);
  lesson.chapter = chapterById('induction')!;
  lesson.phase = 'revealed';
  return lesson;
}

describe('running the induction chapter on the model trained to copy', () => {
  it('says which model loads, then runs the chapter’s prompt on it', async () => {
    const { host, prompts, finish, slot } = fakeHost();
    const lesson = revealed(host);
    const done = lesson.runOn(MODEL);
    expect(lesson.phase).toBe('waiting');
    expect(lesson.loadingModel).toBe(MODEL);
    await tick();
    expect(prompts).toEqual([]);
    finish(true);
    await done;
    expect(slot.modelName).toBe(MODEL);
    expect(lesson.loadingModel).toBeNull();
    expect(prompts).toEqual([chapterById('induction')!.prompt.en]);
  });

  it('a failed load keeps the revealed question and names the model; a cancelled one just keeps the question', async () => {
    const failing = fakeHost();
    const lesson = revealed(failing.host);
    const failed = lesson.runOn(MODEL);
    failing.slot.loadFailure = { name: MODEL };
    failing.finish(false);
    await failed;
    expect({ phase: lesson.phase, failedOffer: lesson.failedOffer, loading: lesson.loadingModel }).toEqual({
      phase: 'revealed',
      failedOffer: MODEL,
      loading: null,
    });
    expect(failing.prompts).toEqual([]);

    const cancelling = fakeHost();
    const other = revealed(cancelling.host);
    const cancelled = other.runOn(MODEL);
    cancelling.finish(false);
    await cancelled;
    expect({ phase: other.phase, failedOffer: other.failedOffer }).toEqual({ phase: 'revealed', failedOffer: null });
  });

  it('leaving the lesson during the load stops the load, and nothing runs after it', async () => {
    const { host, prompts, cancelled, finish } = fakeHost();
    const lesson = revealed(host);
    const done = lesson.runOn(MODEL);
    lesson.close();
    expect(cancelled).toEqual([MODEL]);
    expect(lesson.loadingModel).toBeNull();
    finish(false);
    await done;
    expect(lesson.phase).toBe('closed');
    expect(prompts).toEqual([]);
  });

  it('another chapter started during the load runs once the new model has taken the slot, and only that chapter', async () => {
    const { host, prompts, finish } = fakeHost();
    const lesson = revealed(host);
    const done = lesson.runOn(MODEL);
    const started = lesson.start('tokens');
    await tick();
    expect(lesson.phase).toBe('waiting');
    expect(prompts).toEqual([]);
    finish(true);
    await done;
    await started;
    expect(prompts).toEqual([chapterById('tokens')!.prompt.en]);
  });
});
