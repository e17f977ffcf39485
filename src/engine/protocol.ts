import type { LookingCost } from './lookingCost';
import type { GraphKind } from './generate';
import type { OfflineState } from './models/storage';
import type { EngineErrorData } from './errors';
import type { ModelConfig } from './models/config';
import type { FileProgress } from './models/folder';
import type { ActivationRounding, Dtype } from './models/precision';
import type { CapturePoint } from './probe/capturePoints';
import type { BackendChoice, BackendRequest } from './runtime';
import type { RememberedChoices } from './backendChoice';
import type { SamplingSettings } from './sampling';
import type { TokenInfo } from './tokenizer';
import type { LensParameters, LensReading } from './lens';
import type { ForwardRecord, StopReason, TraceStep } from './trace';
import type { Intervention } from './probe/intervention';
import type { CapturePlan } from './capturePlan';
import type { PatchQuestion, PatchResult } from './patching';

/** What switching one head off does to one token's logit at the last position (its direct and indirect effect). */
export interface HeadEffect {
  layer: number;
  head: number;
  logit: number;
  /** The logit with every head on, minus `logit`: positive when the head was helping that token. */
  drop: number;
}

/** How "auto" chooses (backendChoice.ts): the measurements the browser keeps (the worker has no localStorage),
 * and whether a software adapter counts as a GPU (`?software-gpu=1`: tests and demos of the measurement). */
export interface AutoOptions {
  remembered?: RememberedChoices;
  softwareGpu?: boolean;
  /** Keep the graph as shipped (its bytes) for `recompute`'s plain-graph timing: tests and the benchmark only. */
  keepPlainGraph?: boolean;
}

/** Requests from the main thread to the engine worker; each gets one `result` or `error` with its id. */
export type Request =
  | ({
      id: number;
      type: 'load';
      baseUrl: string;
      backend: BackendRequest;
      source?: 'embedded' | 'hub';
      cacheBase?: string;
      dtype?: Dtype | null;
    } & AutoOptions)
  | ({ id: number; type: 'loadFiles'; files: Record<string, Uint8Array>; name: string; backend: BackendRequest } & AutoOptions)
  | { id: number; type: 'tokenize'; text: string }
  | { id: number; type: 'describe'; ids: number[] }
  /** A new run kept under `run` (the page's run id), in place of the run `replaces` (the same owner's last one). */
  | {
      id: number;
      type: 'begin';
      run: number;
      replaces?: number | null;
      prompt: string;
      seed: number;
      settings: SamplingSettings;
      intervention?: Intervention | null;
      plan?: CapturePlan;
    }
  /** A run forked from run `of`, which the worker keeps (What if's B): `of`'s prompt (or `prompt`, edited), the
   * seed and settings given, its own switched-off parts and cache; with `feed`, teacher-forced with the tokens `of`
   * generated up to its first `positions` tokens. */
  | {
      id: number;
      type: 'fork';
      run: number;
      replaces?: number | null;
      of: number;
      prompt: string | null;
      positions: number;
      feed: boolean;
      seed: number;
      settings: SamplingSettings;
      intervention?: Intervention | null;
      plan?: CapturePlan;
    }
  | { id: number; type: 'continue'; run: number; maxNewTokens: number; settings: SamplingSettings }
  /** A run the page recorded, handed to a worker that does not hold it (a new worker after device loss or "auto"'s
   * move); `recorded`: the positions it holds rows of (GenerateRequest); `forced`: a teacher-forced run's tokens fed
   * after the prompt in place of the sampled ones; `dropped`: the prompt's tokens its context cut. */
  | {
      id: number;
      type: 'adopt';
      run: number;
      replaces?: number | null;
      ids: number[];
      promptLength: number;
      recorded: number;
      rngState: number;
      settings: SamplingSettings;
      intervention?: Intervention | null;
      plan?: CapturePlan;
      forced?: number[] | null;
      dropped?: number;
    }
  /** What the run's next forward passes capture (the learner opened another layer). */
  | { id: number; type: 'plan'; run: number; plan: CapturePlan }
  /** The page no longer shows the run: its cache goes. */
  | { id: number; type: 'forget'; run: number }
  /** `hooks` of the run `run`, for its positions `from`… up to `positions` (how many the page's snapshot has
   * computed): what a lean run did not keep, when a view opens it. The worker uses the run's own tokens and switched-
   * off parts, and the residual stream it kept, so one or two layers are recomputed alone (see segmentInputs);
   * `whole`: through the whole graph from the tokens, with no cache (the KV-cache check compares its cache with it). */
  | { id: number; type: 'need'; run: number; hooks: string[]; positions: number; from: number; whole?: boolean }
  /** `hooks` recomputed for the positions `from`… of `ids`, from the ids through the whole graph: sequences that are
   * no run (the patching lab's two prompts, the head-role test's repeated sequence). */
  | { id: number; type: 'capture'; ids: number[]; hooks: string[]; intervention: Intervention | null; from: number }
  /** Switches each head off in turn on run `run`'s prompt and ranks them by how much `tokenId`'s logit drops. */
  | { id: number; type: 'rankHeads'; run: number; tokenId: number }
  /** Activation patching: the corrupted sequence once per cell with one activation of the clean run (patching.ts). */
  | ({ id: number; type: 'patch' } & PatchQuestion)
  | { id: number; type: 'recompute'; ids: number[]; intervention?: Intervention | null }
  | { id: number; type: 'lens' }
  /** What looking costs on the loaded model with `plan`'s captures (lookingCost.ts). */
  | { id: number; type: 'lookingCost'; plan: CapturePlan }
  | { id: number; type: 'readLens'; vectors: Float32Array[]; top: number; track: number | null }
  | { id: number; type: 'neighbours'; vector: Float32Array; k: number; exclude: number }
  | { id: number; type: 'loseDevice' }
  | ({ id: number; type: 'warm'; backend: BackendRequest } & AutoOptions)
  | { id: number; type: 'time' }
  /** How the worker's recomputes ran so far: through the whole graph or a layer's segment (for tests). */
  | { id: number; type: 'recomputes' };

/** Stops the request `id` (a generation between two tokens, a head ranking between two heads); a cancel for a
 * request that is over does nothing. */
export type Control = { type: 'cancel'; id: number };

export interface LoadResult {
  config: ModelConfig;
  choice: BackendChoice;
  points: CapturePoint[];
  /** The graph files run: one, or Optimum's prompt graph and step graph. */
  graphFiles: string[];
  /** The precision that runs, read from the graph file's name (null for a name that does not say). */
  dtype: Dtype | null;
  graphKind: GraphKind;
  /** Whether the worker can read the logit lens and embedding neighbours (W_E, and W_U where it is untied). */
  hasLens: boolean;
  /** The type the KV cache holds its keys and values in (float16 in fp16 and q4f16 graphs). */
  cacheType: 'float32' | 'float16';
  /** The coarsest rounding the graph's activations go through (what a KV-cache check's differences are held to). */
  rounding: ActivationRounding;
  /** How many parameters the graph's weights hold, counted from them (probe/parameters.ts). */
  parameters: number;
  /** The bytes of the graph files' weights the sessions hold. */
  weightBytes: number;
  loadMs: number;
  /** Whether a Hub download is stored for next time (or why not). */
  storage: OfflineState;
  /** Set while "auto" is measuring (choice.fallbackReason 'measuring'): where the browser keeps the result. */
  choiceKey: string | null;
}

/** A run as the worker begins it: the prompt's tokens (a prompt longer than the context loses its first
 * `dropped` tokens). The worker keeps its runs by id, each with its ids, KV cache and random state; the page gets
 * deltas. */
export interface RunStart {
  tokens: TokenInfo[];
  dropped: number;
  /** The prompt's length in tokens before truncation. */
  total: number;
  /** The tokens a teacher-forced run feeds after its prompt (a fork's: the page keeps them to hand the run to a new
   * worker); null: it feeds what it samples. */
  forced: number[] | null;
}

/** A full recompute of `ids` through the capturing graph (no cache) and through the plain graph without capture
 * outputs, with both timings: for tests (cache vs recompute, capture vs plain) and the benchmark. */
export interface RecomputeResult {
  captured: ForwardRecord;
  /** Null unless the model was loaded with `keepPlainGraph`. */
  plainLogits: Float32Array | null;
  captureMs: number;
  plainMs: number | null;
}

export interface ResultTypes {
  load: LoadResult;
  loadFiles: LoadResult;
  tokenize: { ids: number[]; tokens: TokenInfo[] };
  describe: TokenInfo[];
  begin: RunStart;
  fork: RunStart;
  continue: { stopReason: StopReason };
  adopt: void;
  plan: void;
  forget: void;
  capture: ForwardRecord;
  need: ForwardRecord;
  rankHeads: HeadEffect[];
  patch: PatchResult;
  recompute: RecomputeResult;
  lens: LensParameters | null;
  /** One reading per vector; null when the model has no lens. */
  readLens: LensReading[] | null;
  /** The nearest tokens by cosine similarity over W_E; empty when the model has no lens. */
  neighbours: { id: number; similarity: number }[];
  loseDevice: boolean;
  warm: void;
  /** Milliseconds per generated token on the loaded model, warm, capture included (the median of a few). */
  time: number;
  recomputes: { full: number; segment: number; segmentsOpened: number };
  /** Null where the graph's layout is not measured (Optimum's two graphs). */
  lookingCost: LookingCost | null;
}

export type Event =
  | { id: number; type: 'progress'; progress: FileProgress }
  | { id: number; type: 'ranked'; done: number; total: number }
  | { id: number; type: 'patched'; done: number; total: number }
  | { id: number; type: 'forward'; record: ForwardRecord }
  /** A sampled token (`step.token` is the token fed: in a teacher-forced run the forced one, which may differ from
   * the decision's own choice); `rngState` is the random state after it, kept by the page only to hand the run to a
   * new worker (device loss). */
  | { id: number; type: 'step'; step: TraceStep; rngState: number }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; error: EngineErrorData };
