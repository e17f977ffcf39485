import type { CaptureLayout, CapturePoint } from './probe/capturePoints';
import type { Backend, FallbackReason } from './runtime';
import type { SamplingDecision, SamplingSettings } from './sampling';
import type { TokenInfo } from './tokenizer';
import type { ModelConfig } from './models/config';
import { describePieces, groupPartials } from './tokenPieces';
import type { Intervention } from './probe/intervention';
import { EngineError } from './errors';

/** A captured tensor for the positions one forward pass computed, position-major:
 * `tokens` [T, X]; `heads` [T, H, X] (Q, K, V, z); `attention` [T, H, S] (S = every key position so far). */
export interface CapturedRows {
  dims: number[];
  data: Float32Array;
  /** The position of the first row, when it is not the record's `start` (a lean run keeps only the newest
   * position's logits). */
  first?: number;
}

/** What one forward pass computed: positions start..start+count-1, each capture point's rows. */
export interface ForwardRecord {
  start: number;
  count: number;
  /** How many positions the forward pass computed (the new ones after a KV cache; every one without it); absent for
   * a recompute of rows. */
  ran?: number;
  tensors: Record<string, CapturedRows>;
}

export interface TraceStep {
  /** The position whose logits were sampled; the chosen token goes to position + 1. */
  position: number;
  decision: SamplingDecision;
  /** The token appended at position + 1: the decision's choice, or in a teacher-forced run (see Trace.feeding) the
   * token forced there, whatever the decision drew. And the first few candidates (by logit) as tokens, for labels. */
  token: TokenInfo;
  candidateTokens: TokenInfo[];
}

export type StopReason = 'eos' | 'max-tokens' | 'context-full' | 'stopped';

/** The recorded run everything on screen reads from: an immutable snapshot (a `TraceRecorder` makes a new one as
 * the run grows), so whatever reads a Trace updates when it is handed a new one. */
export interface Trace {
  /** Tells one run from the next (snapshots of the same run share it). */
  readonly runId: number;
  readonly modelName: string;
  readonly config: ModelConfig;
  readonly points: readonly CapturePoint[];
  readonly backend: Backend;
  readonly fallbackReason: FallbackReason | null;
  readonly settings: SamplingSettings;
  readonly seed: number;
  readonly prompt: string;
  /** Tokens dropped from the left of a prompt longer than the context. */
  readonly truncatedTokens: number;
  readonly promptLength: number;
  readonly tokens: readonly TokenInfo[];
  /** rows[hook][position]: that position's row of the hook's tensor (see CapturedRows for the row shapes). */
  readonly rows: Readonly<Record<string, readonly Float32Array[]>>;
  readonly steps: readonly TraceStep[];
  readonly stopReason: StopReason | null;
  /** Heads and MLPs switched off for this run (null: the model as it is). */
  readonly intervention: Intervention | null;
  /** Where the tokens after the prompt came from: the run's own draws ('sampled'), or another run's tokens fed in
   * their place ('teacher-forced': What if's run B fed run A's continuation, its decisions still its own). */
  readonly feeding: Feeding;
  /** Hooks with rows recomputed from scratch after the run (a large model's lean capture), not as it generated. */
  readonly recomputedHooks: readonly string[];
}

export type Feeding = 'sampled' | 'teacher-forced';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type TraceStart = Omit<Trace, 'runId' | 'rows' | 'steps' | 'stopReason' | 'intervention' | 'recomputedHooks' | 'feeding'> & {
  intervention?: Intervention | null;
  feeding?: Feeding;
};

let lastRunId = 0;

/** A run's id, unique on the page: the worker keeps its runs under it. */
export function newRunId(): number {
  return ++lastRunId;
}

/** The page's record of one run as the engine's deltas arrive (forward passes, sampled steps, the end). It is the
 * only thing that changes; `snapshot()` hands out immutable Traces. */
export class TraceRecorder {
  private readonly start: Mutable<TraceStart>;
  private readonly rows: Record<string, Float32Array[]> = {};
  private readonly tokens: TokenInfo[];
  private readonly steps: TraceStep[] = [];
  private stopReason: StopReason | null = null;
  /** The engine's random state after the last step: what a new worker needs to continue this run. */
  rngState: number;
  /** Logits positions recomputed on demand, which `keepNewestLogits` leaves alone. */
  private readonly pinnedLogits = new Set<number>();
  private readonly recomputedHooks = new Set<string>();

  constructor(
    start: TraceStart,
    readonly runId: number = newRunId(),
  ) {
    this.start = { ...start };
    this.tokens = [...start.tokens];
    this.rngState = start.seed >>> 0;
    for (const point of start.points) this.rows[point.hook] = [];
  }

  get ids(): number[] {
    return this.tokens.map((token) => token.id);
  }

  get intervention(): Intervention | null {
    return this.start.intervention ?? null;
  }

  get promptLength(): number {
    return this.start.promptLength;
  }

  /** How many of the prompt's tokens the context cut. */
  get truncatedTokens(): number {
    return this.start.truncatedTokens;
  }

  /** Positions recorded so far (see computedPositions): what a worker the run is handed to must not record again. */
  get computedPositions(): number {
    return this.rows['logits']?.length ?? 0;
  }

  get ended(): StopReason | null {
    return this.stopReason;
  }

  /** Writes one forward pass's rows (a recompute of earlier positions overwrites them). */
  addForward(record: ForwardRecord): void {
    for (const [hook, tensor] of Object.entries(record.tensors)) {
      const count = tensor.dims[0]!;
      const first = tensor.first ?? record.start;
      const rowSize = tensor.data.length / count;
      const rows = (this.rows[hook] ??= []);
      for (let t = 0; t < count; t++) rows[first + t] = tensor.data.subarray(t * rowSize, (t + 1) * rowSize);
    }
  }

  /** Writes rows recomputed on demand (capturePlan.ts), kept until `forget` drops their hook. */
  addCaptured(record: ForwardRecord): void {
    this.addForward(record);
    for (const hook of Object.keys(record.tensors)) this.recomputedHooks.add(hook);
    const logits = record.tensors['logits'];
    if (logits) for (let t = 0; t < logits.dims[0]!; t++) this.pinnedLogits.add((logits.first ?? record.start) + t);
  }

  /** Drops every row of `hooks` (a lean run's layer the learner no longer looks at). */
  forget(hooks: Iterable<string>): void {
    for (const hook of hooks) {
      this.recomputedHooks.delete(hook);
      if (!this.rows[hook]?.length) continue;
      // Logits keep their length: it counts the computed positions.
      this.rows[hook] = hook === 'logits' ? new Array(this.rows[hook].length) : [];
      if (hook === 'logits') this.pinnedLogits.clear();
    }
  }

  /** Keeps the logits of the newest `kept` positions and those recomputed on demand; drops the rest (a lean run:
   * a 152k-token vocabulary's row is 600 KB). */
  keepNewestLogits(kept: number): void {
    const rows = this.rows['logits'];
    if (!rows) return;
    for (let p = rows.length - kept - 1; p >= 0 && rows[p] !== undefined; p--) if (!this.pinnedLogits.has(p)) delete rows[p];
  }

  /** Keeps only the newest `kept` positions' logits, those recomputed on demand too (after a lean run was
   * completed for an export). */
  releaseLogits(kept: number): void {
    this.pinnedLogits.clear();
    this.keepNewestLogits(kept);
  }

  addStep(step: TraceStep, rngState: number): void {
    this.steps.push(step);
    this.tokens.push(step.token);
    redescribeTail(this.tokens);
    this.rngState = rngState;
  }

  /** Where and how the next part of the run goes on (the learner may change the settings between steps). */
  continueWith(change: Pick<Trace, 'backend' | 'fallbackReason' | 'settings'>): void {
    Object.assign(this.start, change);
    this.stopReason = null;
  }

  end(reason: StopReason): void {
    this.stopReason = reason;
  }

  snapshot(): Trace {
    const rows: Record<string, readonly Float32Array[]> = {};
    for (const [hook, list] of Object.entries(this.rows)) rows[hook] = Object.freeze(list.slice());
    return Object.freeze({
      ...this.start,
      runId: this.runId,
      tokens: Object.freeze(this.tokens.slice()),
      rows: Object.freeze(rows),
      steps: Object.freeze(this.steps.slice()),
      stopReason: this.stopReason,
      intervention: this.start.intervention ?? null,
      feeding: this.start.feeding ?? 'sampled',
      recomputedHooks: Object.freeze([...this.recomputedHooks]),
    });
  }
}

/** A generated token is described alone; a character split over several tokens (common in Chinese) only shows
 * once its last byte arrives, so the last few tokens are described again together. */
function redescribeTail(tokens: TokenInfo[]): void {
  let from = Math.max(0, tokens.length - 8);
  // Start at a token that begins a character (its first byte is not a UTF-8 continuation byte 10xxxxxx).
  while (from > 0 && ((tokens[from]!.bytes[0] ?? 0) & 0xc0) === 0x80) from--;
  const tail = describePieces(tokens.slice(from).map(({ id, piece }) => ({ id, piece })));
  tokens.splice(from, tail.length, ...tail);
}

/** The layout of a row after the worker has cut it (cache and tokenHeads tensors arrive as per-position [H, X]). */
export function rowLayout(layout: CaptureLayout): 'tokens' | 'heads' | 'attention' {
  return layout === 'cache' || layout === 'tokenHeads' ? 'heads' : layout;
}

/** The hooks among `hooks` that lack a row at any of `positions` (every computed position when absent): in a lean
 * run, what must be recomputed before a view can show it. */
export function lackingHooks(trace: Trace, hooks: readonly string[], positions?: readonly number[]): string[] {
  const n = computedPositions(trace);
  return hooks.filter((hook) => {
    const rows = trace.rows[hook];
    if (!rows) return true;
    if (positions) return positions.some((p) => p < n && rows[p] === undefined);
    if (rows.length < n) return true;
    for (let p = 0; p < n; p++) if (rows[p] === undefined) return true;
    return false;
  });
}

/** What a trace lacks (a large model's lean run keeps the residual stream between layers and the layers looked
 * at), grouped as it is best recomputed: each layer's lacking hooks, then those outside the layers (older positions'
 * logits). Empty: the trace holds the whole run. */
export function lackingGroups(trace: Trace): string[][] {
  const lacking = new Set(
    lackingHooks(
      trace,
      trace.points.map((point) => point.hook),
    ),
  );
  const groups = new Map<number | null, string[]>();
  for (const point of trace.points) {
    if (!lacking.has(point.hook)) continue;
    const group = groups.get(point.layer) ?? [];
    group.push(point.hook);
    groups.set(point.layer, group);
  }
  return [...groups.entries()].sort(([a], [b]) => (a ?? Infinity) - (b ?? Infinity)).map(([, hooks]) => hooks);
}

/** The layers whose every tensor the trace holds at every computed position. */
export function heldLayers(trace: Trace): number[] {
  const lacking = new Set(lackingGroups(trace).flat());
  const layers = new Set(trace.points.filter((point) => point.layer !== null).map((point) => point.layer!));
  for (const point of trace.points) if (point.layer !== null && lacking.has(point.hook)) layers.delete(point.layer);
  return [...layers].sort((a, b) => a - b);
}

/** Number of positions the model has computed (the last generated token is not yet fed to the model). */
export function computedPositions(trace: Trace): number {
  return trace.rows['logits']?.length ?? 0;
}

/** A hook's rows for all computed positions as one tensor: `tokens` → [N, X]; `heads` → [N, H, X];
 * `attention` → [H, N, N] with the causal part filled and the future set to `future` (0 for patterns, −∞ for
 * masked scores). */
export function assembled(trace: Trace, hook: string): { dims: number[]; data: Float32Array } {
  const point = trace.points.find((p) => p.hook === hook);
  if (!point) throw new Error(`unknown capture point ${hook}`);
  const rows = trace.rows[hook] ?? [];
  const n = rows.length;
  const layout = rowLayout(point.layout);
  if (layout !== 'attention') {
    const rowSize = rows.find((row) => row !== undefined)?.length ?? 0;
    // A position a lean run did not keep reads NaN (null in an exported Trace), never a made-up number.
    const data = new Float32Array(n * rowSize).fill(NaN);
    rows.forEach((row, p) => data.set(row, p * rowSize));
    // Heads per row: the query heads, or fewer key/value heads for K and V under grouped-query attention.
    const dims = layout === 'tokens' ? [n, rowSize] : [n, rowSize / trace.config.dHead, trace.config.dHead];
    return { dims, data };
  }
  const heads = trace.config.nHead;
  const future = hook.endsWith('hook_pattern') ? 0 : -Infinity;
  const data = new Float32Array(heads * n * n).fill(future);
  // Unmasked scores keep whatever future columns were computed (the prompt's pass scores every pair);
  // cells never computed (a cached step scores only the keys so far) read −∞ like the masked ones.
  const keepFuture = hook.endsWith('hook_attn_scores_unmasked');
  rows.forEach((row, p) => {
    const width = row.length / heads;
    const last = keepFuture ? Math.min(width, n) - 1 : p;
    for (let h = 0; h < heads; h++) {
      for (let k = 0; k <= last; k++) data[(h * n + p) * n + k] = row[h * width + k]!;
    }
  });
  return { dims: [heads, n, n], data };
}

export const TRACE_FORMAT = 'transformer-flow-trace';
export const TRACE_VERSION = 1;

/** Which run a Trace is on screen: the app's run (A), or What if's run B. */
export type RunName = 'A' | 'B';

/** The Trace as the JSON document described in docs/trace-format.md; `run` names it (A, or What if's B). */
export function exportTrace(trace: Trace, run: RunName = 'A'): string {
  const captures: Record<string, unknown> = {};
  for (const point of trace.points) {
    const { dims, data } = assembled(trace, point.hook);
    captures[point.hook] = {
      layer: point.layer,
      layout: rowLayout(point.layout),
      onnxTensor: point.tensor,
      shape: dims,
      data: Array.from(data, (value) => (Number.isFinite(value) ? value : null)),
    };
  }
  const document = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    run,
    model: { name: trace.modelName, ...trace.config },
    backend: trace.backend,
    fallbackReason: trace.fallbackReason,
    settings: trace.settings,
    seed: trace.seed,
    prompt: trace.prompt,
    truncatedTokens: trace.truncatedTokens,
    promptLength: trace.promptLength,
    tokens: trace.tokens.map(({ id, piece, bytes, text }) => ({ id, piece, bytes, text })),
    computedPositions: computedPositions(trace),
    captures,
    steps: trace.steps,
    stopReason: trace.stopReason,
    intervention: trace.intervention,
    feeding: trace.feeding,
    recomputedHooks: trace.recomputedHooks,
  };
  return JSON.stringify(document);
}

/** The export's file name: the model, the run, what it switched off (layers and heads counted from 1, as on
 * screen; `mean` for a head replaced by its mean) and how its tokens were fed, so two files of one experiment tell
 * themselves apart. E.g. `trace-flow-gpt2-tiny-B-L2H3-L1MLP-teacher-forced-1765000000000.json`. */
export function traceFileName(trace: Trace, run: RunName, time: number): string {
  const off = trace.intervention;
  const parts = off
    ? [
        ...off.heads.map((key) => {
          const [layer, head] = key.split('.').map(Number) as [number, number];
          return `L${layer + 1}H${head + 1}${off.means?.[key] ? 'mean' : ''}`;
        }),
        ...off.mlps.map((layer) => `L${layer + 1}MLP`),
        ...(off.patch
          ? [
              `patched-${off.patch.cell.grid}-L${off.patch.cell.layer + 1}${off.patch.cell.grid === 'resid' ? `P${off.patch.cell.index + 1}` : off.patch.cell.grid === 'head' ? `H${off.patch.cell.index + 1}` : ''}`,
            ]
          : []),
      ]
    : [];
  // A file name stays short: the first few parts, then how many more (the file itself lists them all).
  const named = parts.length > 6 ? [...parts.slice(0, 6), `and${parts.length - 6}more`] : parts;
  const feeding = trace.feeding === 'teacher-forced' ? ['teacher-forced'] : [];
  const model = trace.modelName.replace(/[^\w.-]+/g, '_');
  return ['trace', model, run, ...named, ...feeding, String(time)].join('-') + '.json';
}

/** A Trace read back from an exported file (docs/trace-format.md), so a recorded run can be opened where its model
 * cannot be loaded. Each capture's tensor is cut back into per-position rows; a position the run did not keep (null
 * in the file) stays absent, never made up. Throws `trace-invalid` naming what is wrong with the file. */
export function importTrace(text: string, file = '', runId = newRunId()): Trace {
  const fail = (why: 'not-json' | 'not-trace' | 'version' | 'broken', detail = ''): never => {
    throw new EngineError('trace-invalid', { file, why, detail });
  };
  let document: any;
  try {
    document = JSON.parse(text);
  } catch {
    return fail('not-json');
  }
  if (document?.format !== TRACE_FORMAT) return fail('not-trace');
  if (document.version !== TRACE_VERSION) return fail('version', String(document.version));
  const { name: modelName, ...config } = document.model ?? {};
  if (
    typeof modelName !== 'string' ||
    !Number.isInteger(config.nLayer) ||
    !Number.isInteger(config.nHead) ||
    !Number.isInteger(config.dHead)
  )
    return fail('broken', 'model');
  if (
    !Array.isArray(document.tokens) ||
    !Array.isArray(document.steps) ||
    typeof document.captures !== 'object' ||
    document.captures === null
  )
    return fail('broken', 'tokens, steps or captures');
  const points: CapturePoint[] = [];
  const rows: Record<string, (Float32Array | undefined)[]> = {};
  for (const [hook, capture] of Object.entries<any>(document.captures)) {
    const layout = capture?.layout;
    const shape: number[] = capture?.shape;
    const data: (number | null)[] = capture?.data;
    if (!['tokens', 'heads', 'attention'].includes(layout) || !Array.isArray(shape) || !Array.isArray(data)) return fail('broken', hook);
    if (data.length !== shape.reduce((product, size) => product * size, 1)) return fail('broken', hook);
    points.push({
      hook,
      tensor: String(capture.onnxTensor ?? hook),
      layer: Number.isInteger(capture.layer) ? capture.layer : null,
      layout,
    });
    rows[hook] = cutRows(hook, layout, shape, data);
  }
  const steps = document.steps as TraceStep[];
  for (const step of steps) {
    const decision = step.decision as SamplingDecision & { candidates?: unknown };
    if (!Array.isArray(decision?.candidates)) return fail('broken', 'steps');
  }
  return {
    runId,
    modelName,
    config: config as ModelConfig,
    points,
    backend: document.backend,
    fallbackReason: document.fallbackReason ?? null,
    settings: document.settings,
    seed: document.seed,
    prompt: String(document.prompt ?? ''),
    truncatedTokens: document.truncatedTokens ?? 0,
    promptLength: document.promptLength,
    tokens: readTokens(document.tokens),
    rows: rows as Record<string, Float32Array[]>,
    steps,
    stopReason: document.stopReason ?? null,
    intervention: document.intervention ?? null,
    feeding: document.feeding ?? 'sampled',
    recomputedHooks: Array.isArray(document.recomputedHooks)
      ? document.recomputedHooks.filter((hook: unknown) => typeof hook === 'string')
      : [],
  };
}

/** The exported tokens as the tokenizer described them (its own bytes and text), each partial character's
 * pieces grouped again as on screen. */
function readTokens(tokens: { id: number; piece: string; bytes: number[]; text: string | null }[]): TokenInfo[] {
  return groupPartials(tokens.map(({ id, piece, bytes, text }) => ({ id, piece, bytes: [...bytes], text, character: null })));
}

/** The exported tensor cut back into one row per position: `tokens` [N, X] and `heads` [N, H, X] by their first
 * axis; `attention` [H, N, N] into each query position's [H, p + 1] (the keys up to it; the unmasked scores keep
 * every key, as recorded). A row that is all null (not kept by a lean run) is left out. In an attention row a null
 * is a score never computed (−∞, as the masked ones); elsewhere a value not kept (NaN). */
function cutRows(hook: string, layout: string, shape: number[], data: (number | null)[]): (Float32Array | undefined)[] {
  const rows: (Float32Array | undefined)[] = [];
  if (layout !== 'attention') {
    const n = shape[0]!;
    const size = n > 0 ? data.length / n : 0;
    for (let p = 0; p < n; p++) {
      const slice = data.slice(p * size, (p + 1) * size);
      rows.push(slice.every((x) => x === null) ? undefined : Float32Array.from(slice, (x) => (x === null ? NaN : x)));
    }
    return rows;
  }
  const [heads, n] = [shape[0]!, shape[1]!];
  const everyKey = hook.endsWith('hook_attn_scores_unmasked');
  const never = hook.endsWith('hook_pattern') ? NaN : -Infinity;
  for (let p = 0; p < n; p++) {
    const width = everyKey ? n : p + 1;
    const row = new Float32Array(heads * width);
    let kept = false;
    for (let h = 0; h < heads; h++) {
      for (let k = 0; k < width; k++) {
        const x = data[(h * n + p) * n + k] ?? null;
        if (x !== null && k <= p) kept = true;
        row[h * width + k] = x === null ? never : x;
      }
    }
    rows.push(kept ? row : undefined);
  }
  return rows;
}
