import { i18n } from '../i18n/index.svelte';

/** A run on screen that the loaded model did not make: a recording opened from a file, or a run of the model loaded
 * before this one. Its numbers are shown as they were computed; nothing that computes again applies to it, since
 * the loaded model (if any) would compute other numbers. */
export type DetachedRun = { kind: 'recording'; model: string } | { kind: 'earlier-model'; model: string; loaded: string };

/** Why a view cannot compute for a detached run, in the words for its kind. */
export function detachedText(run: DetachedRun, why: 'notKept' | 'cacheNeedsModel' | 'lensNeedsModel' | 'neighboursNeedModel'): string {
  return run.kind === 'recording'
    ? i18n.t(`recording.${why}`, { model: run.model })
    : i18n.t(`earlierModel.${why}`, { model: run.model, loaded: run.loaded });
}
