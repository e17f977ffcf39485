import { EngineError } from './errors';
import type { ModelConfig } from './models/config';
import type { CapturePoint } from './probe/capturePoints';
import type { ProbedGraph } from './probe';
import { ModelSession, releaseGpuTensors, type Feeds, type Outputs, type Tensor, type TensorFactory } from './runtime';
import { SeededRandom } from './random';
import { asFloat32, float32ToFloat16 } from './float16';
import { sample, type SamplingSettings } from './sampling';
import type { CapturedRows, ForwardRecord, StopReason } from './trace';
import type { SamplingDecision } from './sampling';
import {
  HEAD_OFFSET_INPUT,
  HEAD_SCALE_INPUT,
  MLP_OFFSET_INPUT,
  MLP_SCALE_INPUT,
  interventionFeeds,
  type Intervention,
  type InterventionFeeds,
} from './probe/intervention';
import { FULL_CAPTURE, planCaptures, segmentInputs, type CapturePlan } from './capturePlan';

export interface GenerateRequest {
  /** Every token so far (prompt + generated); the engine feeds what its cache has not seen. */
  ids: number[];
  /** How many of `ids` are the prompt: `settings.minNewTokens` counts the run's new tokens from there, across calls
   * ("step one token", a continued run). Absent: all of `ids`, so the count starts with this call. */
  promptLength?: number;
  maxNewTokens: number;
  settings: SamplingSettings;
  /** The seeded generator's state, so a run continues exactly where the last one stopped. */
  rngState: number;
  /** What each forward pass captures, read before each one (the learner may open another layer mid-run). */
  plan?: () => CapturePlan;
  /** How many positions of `ids` the page has recorded already. A pass that runs them again (a graph without a KV
   * cache, or the first pass after the cache was dropped: a run handed back to the worker, Rank heads) records only
   * the positions after them, so each position keeps the keys and values of the pass that first computed it.
   * Absent: the positions the cache has seen. */
  recorded?: number;
  /** Teacher forcing: the tokens to feed after the prompt, in order, in place of the sampled ones (What if's run B
   * fed run A's continuation, so that B − A at every position comes from what B switched off and not from another
   * text). Each step still samples its own decision; the run ends when they run out. Absent: the sampled token is
   * fed. */
  forced?: readonly number[];
}

export type GenerateEvent =
  | { type: 'forward'; record: ForwardRecord }
  /** `fed`: the token appended to the sequence, the decision's own choice unless the run is teacher-forced. */
  | { type: 'step'; position: number; decision: SamplingDecision; fed: number; rngState: number };

export interface GenerateResult {
  stopReason: StopReason;
  rngState: number;
  ids: number[];
}

/** A probed graph and the session that runs it. */
export interface CapturingGraph {
  session: ModelSession;
  probed: ProbedGraph;
}

/** How many layer segments a generator keeps open: the layer looked at and its two neighbours. */
const SEGMENTS_KEPT = 3;
/** How long a layer is looked at before its neighbours' segments open. */
const PREFETCH_AFTER_MS = 400;

/** One layer cut out of the capturing graph, and which hook each of its cut inputs is fed from. */
interface LayerSegment {
  session: ModelSession;
  cutHooks: Map<string, string>;
}

/** How the generator feeds positions: one graph with a (possibly empty) past; a prompt graph without past inputs
 * that hands its presents to a step graph with them (Optimum's layout); or the whole sequence every token. */
export type GraphKind = 'cached' | 'two-graph' | 'full';

export function graphKindOf(prompt: ProbedGraph, step: ProbedGraph | null): GraphKind {
  if (prompt.inputNames.some(isPastInput)) return 'cached';
  if (step?.inputNames.some(isPastInput) && prompt.outputNames.some((name) => name.startsWith('present.'))) return 'two-graph';
  return 'full';
}

const isPastInput = (name: string) => name.startsWith('past_key_values.');

/** A run's state in the generator while another run uses the sessions: its KV cache and what it switches off. */
export interface ParkedRun {
  readonly cache: { ids: number[]; past: Feeds } | null;
  readonly scales: InterventionFeeds;
}

/** The autoregressive loop over capturing sessions. With a KV cache each new token is one position; the cache
 * stays in the worker between calls, so "step one token" costs one position too. */
export class Generator {
  /** The last pass's ids, and its keys and values (none for a graph without a KV cache). */
  private cache: { ids: number[]; past: Feeds } | null = null;
  /** The intervention inputs fed with every forward pass: scales 1 and offsets 0 (computed once) unless something is
   * switched off. */
  private readonly noScales: InterventionFeeds;
  private scales: InterventionFeeds;
  readonly kind: GraphKind;
  /** The capture points of the graph that computes whole sequences. */
  readonly points: readonly CapturePoint[];

  constructor(
    private readonly prompt: CapturingGraph,
    private readonly step: CapturingGraph | null,
    private readonly config: ModelConfig,
  ) {
    this.kind = graphKindOf(prompt.probed, step?.probed ?? null);
    this.points = prompt.probed.points;
    this.scales = this.noScales = interventionFeeds(null, config.nLayer, config.nHead, config.dHead, config.dModel);
  }

  async generate(request: GenerateRequest, emit: (event: GenerateEvent) => void, cancelled: () => boolean): Promise<GenerateResult> {
    const ids = [...request.ids];
    const promptLength = request.promptLength ?? ids.length;
    const random = new SeededRandom(request.rngState);
    let produced = 0;
    let recorded = request.recorded;
    let stopReason: StopReason = 'max-tokens';
    for (;;) {
      // onnxruntime's WASM run can finish without ever yielding to the worker's event loop; yield here so a
      // cancel message gets through between two tokens.
      await yieldToEventLoop();
      if (cancelled()) {
        stopReason = 'stopped';
        break;
      }
      if (produced >= request.maxNewTokens) break;
      const forced = request.forced?.[ids.length - promptLength];
      if (request.forced && forced === undefined) break;
      if (ids.length > this.config.nCtx) {
        stopReason = 'context-full';
        break;
      }
      const { record, lastLogits } = await this.forward(ids, request.plan?.() ?? FULL_CAPTURE, recorded);
      emit({ type: 'forward', record });
      recorded = ids.length;
      const decision = sample(lastLogits, request.settings, () => random.next(), {
        stopIds: this.config.stopTokenIds,
        produced: ids.length - promptLength,
      });
      const fed = forced ?? decision.chosenId;
      emit({ type: 'step', position: ids.length - 1, decision, fed, rngState: random.state });
      ids.push(fed);
      produced++;
      if (this.config.stopTokenIds.includes(fed)) {
        stopReason = 'eos';
        break;
      }
    }
    return { stopReason, rngState: random.state, ids };
  }

  /** Runs the positions of `ids` the cache has not seen (all of them after a change of prompt or without a cache),
   * capturing what `plan` asks for, and records the positions from `recorded` on (absent: those the last pass did
   * not reach). A pass that runs earlier positions again (a graph without a KV cache runs the whole sequence every
   * time; any graph after its cache was dropped) so leaves their rows as the pass that first computed them made
   * them, as a cache would hold them: a recompute of the whole sequence then tests whether a cache is exact. */
  async forward(
    ids: number[],
    plan: CapturePlan = FULL_CAPTURE,
    recorded?: number,
  ): Promise<{ record: ForwardRecord; lastLogits: Float32Array }> {
    const caching = this.kind !== 'full';
    const continues = this.cache !== null && this.cache.ids.length < ids.length && this.cache.ids.every((id, i) => ids[i] === id);
    const start = continues ? this.cache!.ids.length : 0;
    const reuse = caching && continues;
    // A cached pass computes only the positions from `start`; the newest position is always recorded (its logits).
    const recordFrom = Math.max(reuse ? start : 0, Math.min(recorded ?? start, ids.length - 1));
    const graph = reuse && this.kind === 'two-graph' ? this.step! : this.prompt;
    const feeds = feedsFor(
      graph.session.inputNames,
      graph.session.tensor,
      this.config,
      ids,
      reuse ? start : 0,
      reuse ? this.cache!.past : null,
      graph.probed.pastType,
      this.scales,
    );
    const points = graph.probed.points.filter((point) => planCaptures(plan, point));
    const fetches = new Set([
      ...graph.probed.outputNames.filter((name) => caching || !name.startsWith('present.')),
      ...points.map((point) => point.tensor),
    ]);
    const outputs = await graph.session.run(feeds, [...fetches]);
    // The cache this pass read (or could not use) is no longer needed: on WebGPU it lives in GPU memory.
    const previous = this.cache;
    this.cache = { ids: [...ids], past: caching ? this.presents(outputs) : {} };
    if (previous) releaseGpuTensors(Object.values(previous.past));
    const record = {
      ...recordOf(points, outputs, recordFrom, ids.length - recordFrom, plan.mode === 'lean' ? ['logits'] : []),
      ran: ids.length - (reuse ? start : 0),
    };
    const vocab = this.config.vocabSize;
    const logits = outputs['logits']!.data as Float32Array | Uint16Array;
    // A copy: the record's buffers are transferred to the main thread, which detaches them here.
    return { record, lastLogits: asFloat32(logits.slice(logits.length - vocab)) };
  }

  /** Recomputes `hooks` for every position of `ids` (from `from` on) with no cache, the way a first forward pass
   * computes them, with `intervention`'s parts switched off: what a lean run did not keep, when a view opens it.
   * With `cutRows` (the run's kept residual stream and embeddings, by hook: see segmentInputs) hooks of one or two
   * layers are computed by those layers alone, fed their residual stream; anything else goes through the whole
   * graph from the ids. The generation's cache and scales stay as they are. */
  async capture(
    ids: number[],
    hooks: readonly string[],
    intervention: Intervention | null,
    from = 0,
    cutRows: Readonly<Record<string, Float32Array>> | null = null,
  ): Promise<ForwardRecord> {
    const wanted = new Set(hooks);
    const graph = this.prompt;
    const points = graph.probed.points.filter((point) => wanted.has(point.hook));
    const scales = intervention
      ? interventionFeeds(intervention, this.config.nLayer, this.config.nHead, this.config.dHead, this.config.dModel)
      : this.noScales;
    // Only the positions asked for go to the page (a 152k-token vocabulary's logits are 600 KB a row): the rows are
    // cut to the last ones, as for a cached step's new positions.
    const start = Math.max(0, from);
    // A segment that fails to run leaves the question to the whole graph, which computes the same numbers.
    const byLayers = cutRows ? await this.captureByLayers(ids, points, scales, cutRows).catch(() => null) : null;
    if (byLayers) return recordOf(points, byLayers, start, ids.length - start, []);
    const feeds = feedsFor(graph.session.inputNames, graph.session.tensor, this.config, ids, 0, null, graph.probed.pastType, scales);
    const outputs = await graph.session.run(feeds, [...new Set(points.map((point) => point.tensor))]);
    this.recomputes.full++;
    return recordOf(points, outputs, start, ids.length - start, []);
  }

  /** How many recomputes went through the whole graph, and how many through layer segments (for tests). */
  readonly recomputes = { full: 0, segment: 0 };

  /** Each point's tensor computed by its layer's segment, or null where a segment cannot serve (too many layers, a
   * kept row missing, a graph that cannot be cut): the caller then runs the whole graph. */
  private async captureByLayers(
    ids: number[],
    points: readonly CapturePoint[],
    scales: InterventionFeeds,
    cutRows: Readonly<Record<string, Float32Array>>,
  ): Promise<Outputs | null> {
    const inputs = segmentInputs(
      this.prompt.probed.points,
      points.map((point) => point.hook),
    );
    if (!inputs || inputs.cut.some((hook) => cutRows[hook]?.length === undefined || cutRows[hook]!.length % ids.length !== 0)) return null;
    const outputs: Outputs = {};
    for (const layer of inputs.layers) {
      const segment = await this.segmentFor(layer);
      if (!segment) return null;
      const { session } = segment;
      const pastType = this.prompt.probed.pastType;
      const base = feedsFor(session.inputNames, session.tensor, this.config, ids, 0, null, pastType, scales);
      const feeds: Feeds = {};
      for (const name of session.inputNames) {
        const hook = segment.cutHooks.get(name);
        if (hook === undefined) {
          feeds[name] = base[name]!;
          continue;
        }
        const rows = cutRows[hook]!;
        const dims = [1, ids.length, rows.length / ids.length];
        feeds[name] =
          pastType === 'float16' ? session.tensor('float16', float32ToFloat16(rows), dims) : session.tensor('float32', rows, dims);
      }
      const fetches = [...new Set(points.filter((point) => point.layer === layer).map((point) => point.tensor))];
      Object.assign(outputs, await session.run(feeds, fetches));
    }
    this.recomputes.segment++;
    if (inputs.layers.length === 1) this.prefetchAround(inputs.layers[0]!);
    return outputs;
  }

  /** While the learner looks at a layer, the segments of the layers beside it open (after a moment with no other
   * layer asked for), so stepping to a neighbour costs only its run. The layer looked at stays the last evicted. */
  private prefetchAround(layer: number): void {
    const asked = ++this.layerAsks;
    const prefetch = () => {
      if (asked !== this.layerAsks) return;
      // Not beside a request that runs alone (a generation, a sweep, a timing): later, if the layer is still the last.
      if (!this.idle()) return void setTimeout(prefetch, PREFETCH_AFTER_MS);
      // The neighbours (kept ones too) become recent, then the layer looked at: eviction takes older layers first.
      for (const neighbour of [layer + 1, layer - 1, layer]) {
        if (neighbour < 0 || neighbour >= this.config.nLayer) continue;
        const segment = this.segments.get(neighbour) ?? this.opened(neighbour);
        this.segments.delete(neighbour);
        this.segments.set(neighbour, segment);
      }
      this.evictSegments();
    };
    setTimeout(prefetch, PREFETCH_AFTER_MS);
  }

  /** Whether nothing runs that must run alone (set by the worker); a prefetch waits for it. */
  idle: () => boolean = () => true;

  /** The layers whose segments are kept, least recently used first (for tests). */
  get keptSegments(): number[] {
    return [...this.segments.keys()];
  }

  /** Layer looks asked for so far (a prefetch waits for a moment with none). */
  private layerAsks = 0;

  /** Layer segments opened so far, the most recently used last: a few are kept (each holds a copy of its layer's
   * weights), so going back to a layer just seen costs only its run. */
  private readonly segments = new Map<number, Promise<LayerSegment | null>>();

  private segmentFor(layer: number): Promise<LayerSegment | null> {
    const kept = this.segments.get(layer);
    this.segments.delete(layer);
    const segment = kept ?? this.opened(layer);
    this.segments.set(layer, segment);
    this.layerAsks++;
    this.evictSegments();
    return segment;
  }

  /** A layer's segment being opened; a layer that gets none (too large, or its weights could not be read back) is
   * not remembered as such, so a read that failed once is tried again next time. */
  private opened(layer: number): Promise<LayerSegment | null> {
    const segment = this.openSegment(layer);
    void segment.then((opened) => {
      if (!opened && this.segments.get(layer) === segment) this.segments.delete(layer);
    });
    return segment;
  }

  /** Releases the least recently used segments past SEGMENTS_KEPT. */
  private evictSegments(): void {
    for (const [oldest, opened] of this.segments) {
      if (this.segments.size <= SEGMENTS_KEPT) break;
      this.segments.delete(oldest);
      void opened.then((evicted) => evicted?.session.release());
    }
  }

  /** Segments opened (cut out and given a session), for tests. */
  segmentsOpened = 0;

  private async openSegment(layer: number): Promise<LayerSegment | null> {
    this.segmentsOpened++;
    const probed = this.prompt.probed;
    const tensorOf = new Map(probed.points.map((point) => [point.hook, point.tensor]));
    const cut = segmentInputs(probed.points, [`blocks.${layer}.hook_resid_pre`])!.cut;
    const outputs = [...new Set(probed.points.filter((point) => point.layer === layer).map((point) => point.tensor))];
    try {
      // A segment that reaches far beyond its layer (an embedding matrix, through a mask that reads the ids) would
      // cost more memory than the full pass costs time.
      const segment = await probed.segment(
        cut.map((hook) => tensorOf.get(hook)!),
        outputs,
        (graphWeightBytes) => (2 * graphWeightBytes) / this.config.nLayer + 2 ** 20,
      );
      if (!segment) return null;
      const session = await ModelSession.create(segment.bytes, this.prompt.session.choice.backend, 'forced');
      const cutHooks = new Map<string, string>();
      for (const hook of cut) if (segment.cutInputs.includes(tensorOf.get(hook)!)) cutHooks.set(tensorOf.get(hook)!, hook);
      return { session, cutHooks };
    } catch {
      // The whole graph computes the same numbers: a graph that cannot be cut (a subgraph node, an unusual layout)
      // only loses the speed.
      return null;
    }
  }

  /** Sets the current run's cache and switched-off parts aside for another run to use the sessions; `resume` brings
   * them back, so going back to a run continues from its cache instead of running its positions again. */
  park(): ParkedRun {
    const parked = { cache: this.cache, scales: this.scales };
    this.cache = null;
    this.scales = this.noScales;
    return parked;
  }

  /** Makes a parked run's cache and switched-off parts the current ones (the current cache goes). */
  resume(parked: ParkedRun): void {
    this.dropCache();
    this.cache = parked.cache;
    this.scales = parked.scales;
  }

  /** Frees a parked run's cache (on WebGPU it holds GPU memory). */
  static release(parked: ParkedRun): void {
    if (parked.cache) releaseGpuTensors(Object.values(parked.cache.past));
  }

  /** Forgets the KV cache (after a new prompt or a settings change that restarts the run). */
  reset(): void {
    this.dropCache();
  }

  private dropCache(): void {
    if (this.cache) releaseGpuTensors(Object.values(this.cache.past));
    this.cache = null;
  }

  /** Heads and MLPs switched off (or heads replaced by their means) from now on (null: none). The cache was computed
   * without them: it goes. */
  intervene(intervention: Intervention | null): void {
    this.scales = intervention
      ? interventionFeeds(intervention, this.config.nLayer, this.config.nHead, this.config.dHead, this.config.dModel)
      : this.noScales;
    this.dropCache();
  }

  private presents(outputs: Outputs): Feeds {
    return presentsAsPast(outputs);
  }
}

/** A pass's presents, named as the next pass's past inputs. */
export function presentsAsPast(outputs: Outputs): Feeds {
  const past: Feeds = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = tensor;
  }
  return past;
}

/** The made-up sequence a timing runs ("auto"'s backend timing, the cost of looking), the same on every device:
 * TIMED_PROMPT positions in one pass, then TIMED_TOKENS more, one position a pass. */
export const TIMED_PROMPT = 8;
const TIMED_TOKENS = 6;

export function timedSequence(vocabSize: number): number[] {
  const ids = Array.from({ length: TIMED_PROMPT }, (_, i) => (17 + 31 * i) % vocabSize);
  while (ids.length < TIMED_PROMPT + TIMED_TOKENS) ids.push((ids.length * 131 + 7) % vocabSize);
  return ids;
}

/** A fresh run of `generator` over timedSequence, capturing as `plan` says: each token's milliseconds, and the last
 * token's record. The generator's cache is dropped first (the caller parks its run). */
export async function timeSteps(
  generator: Generator,
  vocabSize: number,
  plan: CapturePlan = FULL_CAPTURE,
): Promise<{ times: number[]; last: ForwardRecord }> {
  generator.reset();
  const sequence = timedSequence(vocabSize);
  await generator.forward(sequence.slice(0, TIMED_PROMPT), plan);
  const times: number[] = [];
  let last: ForwardRecord | null = null;
  for (let length = TIMED_PROMPT + 1; length <= sequence.length; length++) {
    const ids = sequence.slice(0, length);
    const started = performance.now();
    last = (await generator.forward(ids, plan)).record;
    times.push(performance.now() - started);
  }
  return { times, last: last! };
}

/** The inputs a decoder graph takes for the positions `start…` of `ids`: input_ids, and where the graph has them
 * attention_mask, position_ids and past_key_values (empty when there is no cache yet; float16 in an fp16 graph). */
export function feedsFor(
  inputNames: readonly string[],
  tensor: TensorFactory,
  config: ModelConfig,
  ids: number[],
  start = 0,
  past: Feeds | null = null,
  pastType: 'float32' | 'float16' = 'float32',
  scales: InterventionFeeds | null = null,
): Feeds {
  const fed = ids.slice(start);
  const feeds: Feeds = {};
  const names = new Set(inputNames);
  feeds['input_ids'] = tensor('int64', BigInt64Array.from(fed, BigInt), [1, fed.length]);
  if (names.has('attention_mask')) {
    feeds['attention_mask'] = tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
  }
  if (names.has('position_ids')) {
    const positions = BigInt64Array.from(fed, (_, i) => BigInt(start + i));
    feeds['position_ids'] = tensor('int64', positions, [1, fed.length]);
  }
  const { nLayer, nKvHead, dHead } = config;
  if (names.has(HEAD_SCALE_INPUT)) {
    const { head, offset, mlp, mlpOffset, positions } = scales ?? interventionFeeds(null, nLayer, config.nHead, dHead, config.dModel);
    // Offsets per position (patching) are for a pass over the whole sequence: another pass gets none.
    if (positions !== 1 && positions !== fed.length)
      throw new EngineError('internal', { detail: `offsets for ${positions} positions fed to a pass of ${fed.length}` });
    feeds[HEAD_SCALE_INPUT] = tensor('float32', head, [nLayer, config.nHead]);
    feeds[HEAD_OFFSET_INPUT] = tensor('float32', offset, [nLayer, config.nHead, positions, dHead]);
    feeds[MLP_SCALE_INPUT] = tensor('float32', mlp, [nLayer]);
    feeds[MLP_OFFSET_INPUT] = tensor('float32', mlpOffset, [nLayer, positions, config.dModel]);
  }
  for (let layer = 0; layer < nLayer; layer++) {
    for (const kind of ['key', 'value']) {
      const name = `past_key_values.${layer}.${kind}`;
      if (!names.has(name)) continue;
      feeds[name] =
        past?.[name] ??
        (pastType === 'float16'
          ? tensor('float16', new Uint16Array(0), [1, nKvHead, 0, dHead])
          : tensor('float32', new Float32Array(0), [1, nKvHead, 0, dHead]));
    }
  }
  return feeds;
}

/** Cuts each point's output into the record's rows; `newestOnly` hooks keep only the last position's row. */
function recordOf(
  points: readonly CapturePoint[],
  outputs: Outputs,
  start: number,
  count: number,
  newestOnly: readonly string[],
): ForwardRecord {
  const record: ForwardRecord = { start, count, tensors: {} };
  const seen = new Map<string, CapturedRows>();
  for (const point of points) {
    const tensor = outputs[point.tensor];
    if (!tensor) throw new EngineError('internal', { detail: `missing output ${point.tensor}` });
    if (newestOnly.includes(point.hook)) {
      const rows = toRows(point, tensor, 1);
      record.tensors[point.hook] = { ...rows, first: start + count - 1 };
      continue;
    }
    if (!seen.has(point.tensor)) seen.set(point.tensor, toRows(point, tensor, count));
    record.tensors[point.hook] = seen.get(point.tensor)!;
  }
  return record;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Cuts an output tensor to the new positions, position-major (see CapturedRows), as float32. The rows are transferred to
 * the main thread, so they never share a buffer with what the worker keeps (the KV cache): per-head layouts are
 * copied while they are reordered, and a token-major tensor is handed over whole only when it is exactly the new
 * rows in a buffer of its own (a prompt's pass), else sliced. */
export function toRows(point: CapturePoint, tensor: Tensor, count: number): CapturedRows {
  // fp16 graphs compute and hand over float16: the Trace holds float32.
  const data = asFloat32(tensor.data);
  const dims = tensor.dims as number[];
  if (point.layout === 'tokens') {
    const x = dims[dims.length - 1]!;
    const rows = dims[dims.length - 2]!;
    const ownBuffer = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
    return { dims: [count, x], data: rows === count && ownBuffer ? data : data.slice((rows - count) * x) };
  }
  if (point.layout === 'tokenHeads') {
    // [1, T, H, X]: already position-major; the new positions are the last `count`.
    const [, rows, heads, x] = dims as [number, number, number, number];
    return { dims: [count, heads, x], data: data.slice((rows - count) * heads * x) };
  }
  // heads [1, H, T, X], cache [1, H, S, X] (new = last `count`), attention [1, H, T, S]: all → [count, H, X].
  const [, heads, length, x] = dims as [number, number, number, number];
  const out = new Float32Array(count * heads * x);
  const first = length - count;
  for (let t = 0; t < count; t++) {
    for (let h = 0; h < heads; h++) {
      const from = (h * length + first + t) * x;
      out.set(data.subarray(from, from + x), (t * heads + h) * x);
    }
  }
  return { dims: [count, heads, x], data: out };
}
