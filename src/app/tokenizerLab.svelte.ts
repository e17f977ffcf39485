import type { EngineErrorData } from '../engine/errors';
import { LAB_TOKENIZERS, type LabTokenizerId } from '../engine/lab/catalog';
import type { SplitSummary } from '../engine/lab/summary';
import type { FileProgress } from '../engine/models/folder';
import type { TokenInfo } from '../engine/tokenPieces';
import { i18n } from '../i18n/index.svelte';
import { labEn } from '../i18n/lab.en';
import { labZhCN } from '../i18n/lab.zh-CN';

// The lab's strings arrive with its code (its own chunk), not in the main bundle.
i18n.add({ en: labEn, 'zh-CN': labZhCN });

/** A row of the lab: the loaded model's own tokenizer, or one of the real ones. */
export type LabRowId = 'model' | LabTokenizerId;
export const LAB_ROWS: readonly LabRowId[] = ['model', ...LAB_TOKENIZERS.map((tokenizer) => tokenizer.id)];

/** Where a row stands: its data downloading, its split of `text`, an error, or (the model row) no model. */
export type LabRowState =
  | { status: 'loading'; progress: FileProgress | null }
  | { status: 'done'; text: string; vocabSize: number | null; summary: SplitSummary; tokens: TokenInfo[] }
  | { status: 'error'; error: EngineErrorData }
  | { status: 'absent' };

/** How many chips each tokenizer shows at first, and how many more each "show more" adds: the numbers always
 * cover the whole text, but thousands of chips would keep the page busy. */
export const CHIP_STEP = 100;

/** What the learner chose in the lab; it outlives the view, so switching tabs keeps their own text. */
class LabChoices {
  /** Text typed in the lab; null follows the prompt. */
  own = $state<string | null>(null);
  shown = $state<Record<LabRowId, boolean>>(Object.fromEntries(LAB_ROWS.map((row) => [row, true])) as Record<LabRowId, boolean>);
  limits = $state<Record<LabRowId, number>>(Object.fromEntries(LAB_ROWS.map((row) => [row, CHIP_STEP])) as Record<LabRowId, number>);
}

export const labChoices = new LabChoices();
