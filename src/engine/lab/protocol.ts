import type { EngineErrorData } from '../errors';
import type { FileProgress } from '../models/folder';
import type { TokenInfo } from '../tokenPieces';
import type { LabTokenizerId } from './catalog';
import type { SplitSummary } from './summary';

/** Page → lab worker: split `text` with one tokenizer and describe its first `limit` tokens. */
export interface SplitRequest {
  id: number;
  type: 'split';
  tokenizer: LabTokenizerId;
  text: string;
  limit: number;
}

/** One tokenizer's answer: the numbers for the whole text, the first tokens as chips. */
export interface TokenizerSplit {
  tokenizer: LabTokenizerId;
  text: string;
  vocabSize: number;
  summary: SplitSummary;
  /** The first `limit` tokens (all of them for a short text). */
  tokens: TokenInfo[];
}

/** Lab worker → page. A `null` result: a newer text for the same tokenizer arrived first (nothing was done). */
export type LabEvent =
  | { id: number; type: 'progress'; progress: FileProgress }
  | { id: number; type: 'result'; value: TokenizerSplit | null }
  | { id: number; type: 'error'; error: EngineErrorData };
