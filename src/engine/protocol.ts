import type { GraphKind } from './generate';
import type { OfflineState } from './models/storage';
import type { EngineErrorData } from './errors';
import type { GenerateResult } from './generate';
import type { ModelConfig } from './models/config';
import type { FileProgress } from './models/folder';
import type { Dtype } from './models/precision';
import type { CapturePoint } from './probe/capturePoints';
import type { BackendChoice, BackendRequest } from './runtime';
import type { RememberedChoices } from './backendChoice';
import type { SamplingSettings } from './sampling';
import type { TokenInfo } from './tokenizer';
import type { LensParameters } from './lens';
import type { ForwardRecord, TraceStep } from './trace';

/** How "auto" chooses (backendChoice.ts): the measurements the browser keeps (the worker has no localStorage),
 * and whether a software adapter counts as a GPU (`?software-gpu=1`: tests and demos of the measurement). */
export interface AutoOptions {
  remembered?: RememberedChoices;
  softwareGpu?: boolean;
}

/** Requests from the main thread to the engine worker; each gets one `result` or `error` with its id. */
export type Request =
  | ({ id: number; type: 'load'; baseUrl: string; backend: BackendRequest; source?: 'embedded' | 'hub'; cacheBase?: string; dtype?: Dtype | null } & AutoOptions)
  | ({ id: number; type: 'loadFiles'; files: Record<string, Uint8Array>; name: string; backend: BackendRequest } & AutoOptions)
  | { id: number; type: 'tokenize'; text: string }
  | { id: number; type: 'describe'; ids: number[] }
  | { id: number; type: 'generate'; ids: number[]; maxNewTokens: number; settings: SamplingSettings; rngState: number; reset: boolean }
  | { id: number; type: 'recompute'; ids: number[] }
  | { id: number; type: 'lens' }
  | { id: number; type: 'loseDevice' }
  | ({ id: number; type: 'warm'; backend: BackendRequest } & AutoOptions)
  | { id: number; type: 'time' };

/** A cancel has no id of its own: it stops the running generation between two tokens. */
export type Control = { type: 'cancel' };

export interface LoadResult {
  config: ModelConfig;
  choice: BackendChoice;
  points: CapturePoint[];
  /** The graph files run: one, or Optimum's prompt graph and step graph. */
  graphFiles: string[];
  /** The precision that runs, read from the graph file's name (null for a name that does not say). */
  dtype: Dtype | null;
  graphKind: GraphKind;
  loadMs: number;
  /** Whether a Hub download is stored for next time (or why not). */
  storage: OfflineState;
  /** Set while "auto" is measuring (choice.fallbackReason 'measuring'): where the browser keeps the result. */
  choiceKey: string | null;
}

/** A full recompute of `ids` through the capturing graph (no cache) and through the plain graph without capture
 * outputs, with both timings: for tests (cache vs recompute, capture vs plain) and the benchmark. */
export interface RecomputeResult {
  captured: ForwardRecord;
  plainLogits: Float32Array;
  captureMs: number;
  plainMs: number;
}

export interface ResultTypes {
  load: LoadResult;
  loadFiles: LoadResult;
  tokenize: { ids: number[]; tokens: TokenInfo[] };
  describe: TokenInfo[];
  generate: GenerateResult;
  recompute: RecomputeResult;
  lens: LensParameters | null;
  loseDevice: boolean;
  warm: void;
  /** Milliseconds per generated token on the loaded model, warm, capture included (the median of a few). */
  time: number;
}

export type Event =
  | { id: number; type: 'progress'; progress: FileProgress }
  | { id: number; type: 'forward'; record: ForwardRecord }
  | { id: number; type: 'step'; step: TraceStep; rngState: number }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; error: EngineErrorData };
