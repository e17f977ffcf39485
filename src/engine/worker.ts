/// <reference lib="webworker" />
import { EngineError, toErrorData } from './errors';
import { Generator, timeSteps, type CapturingGraph } from './generate';
import { EMBEDDED_GRAPHS, join, loadLocalFolder, loadModelFolder, type GraphFile, type ModelFolder } from './models/folder';
import { urlSource } from './models/byteSource';
import { externalDataPath } from './models/externalData';
import { HUB_CACHE } from './models/hubCache';
import { defaultDtype, dtypeOfFile, hubGraphChoices, type Dtype } from './models/precision';
import { GRAPH_FILE, probe, type ProbedGraph } from './probe';
import {
  ModelSession,
  inspectAdapter,
  warmUp,
  webgpuHasShaderF16,
  webgpuStatus,
  type Backend,
  type BackendRequest,
  type FallbackReason,
} from './runtime';
import { choiceKey, planAuto, planChoice, planRequest, type AutoPlan } from './backendChoice';
import { Tokenizer } from './tokenizer';
import type { AutoOptions, Control, Event, HeadEffect, Request, ResultTypes } from './protocol';
import { rankHeads } from './interventions';
import { patchSweep, type PatchResult } from './patching';
import { readLens, type LensParameters } from './lens';
import { cosineNeighbours } from './analysis';
import type { ForwardRecord, StopReason } from './trace';
import { FULL_CAPTURE } from './capturePlan';
import { RunTable } from './runTable';
import { ExclusiveRequests } from './exclusive';

export interface Loaded {
  folder: ModelFolder;
  prompt: CapturingGraph;
  step: CapturingGraph | null;
  tokenizer: Tokenizer;
  generator: Generator;
  /** The bytes of the weights the sessions hold (the files' bytes themselves go once the sessions have them). */
  weightBytes: number;
}

/** Probes the folder's graphs, opens their sessions and makes it the loaded model (each model gets a worker of
 * its own, so there is never an earlier one to release). `model` names it in the browser's memory of measurements. */
async function start(folder: ModelFolder, backend: BackendRequest, started: number, model: string, auto: AutoOptions) {
  let plan: AutoPlan | null = null;
  let adapter = '';
  let key: string | null = null;
  let request = backend;
  let wasmReason: FallbackReason = 'forced';
  if (backend === 'auto') {
    const report = await inspectAdapter(auto.softwareGpu);
    adapter = report.description;
    key = choiceKey(model, folder.graph.file, adapter);
    plan = planAuto(report, weightBytes(folder), auto.remembered?.[key]);
    ({ request, wasmReason } = planRequest(plan));
  }
  const { prompt, step } = await openGraphs(folder, request, wasmReason);
  const choice = plan ? planChoice(plan, prompt.session.choice, adapter) : prompt.session.choice;
  const tokenizer = new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig);
  const generator = new Generator(prompt, step, folder.config);
  generator.idle = () => !requests.busy;
  // The sessions hold the weights now: the files' bytes go, except the prompt graph's when a test or the benchmark
  // times the plain graph (`recompute`). The probed graphs keep only where each weight lies in its file, and read
  // what a layer's segment needs from there again (a folder from the learner's disk keeps its bytes).
  spillWeights(prompt.probed, folder, folder.graph);
  if (step && folder.stepGraph) spillWeights(step.probed, folder, folder.stepGraph);
  const graph = auto.keepPlainGraph ? folder.graph : { ...folder.graph, bytes: new Uint8Array(0), externalData: [] };
  loaded = { folder: { ...folder, graph, stepGraph: null }, prompt, step, tokenizer, generator, weightBytes: weightBytes(folder) };
  runs = new RunTable(generator);
  return {
    config: folder.config,
    choice,
    points: prompt.probed.points,
    choiceKey: choice.fallbackReason === 'measuring' ? key : null,
    graphFiles: [folder.graph.file, ...(folder.stepGraph ? [folder.stepGraph.file] : [])],
    dtype: dtypeOfFile(folder.graph.file),
    graphKind: generator.kind,
    hasLens: prompt.probed.lens !== null,
    cacheType: prompt.probed.pastType,
    rounding: prompt.probed.rounding,
    parameters: prompt.probed.parameters,
    weightBytes: loaded.weightBytes,
    loadMs: performance.now() - started,
    storage: folder.storage,
  };
}

/** Lets a probed graph's weights go, to be read again from the folder's source (docs/memory.md). */
function spillWeights(probed: ProbedGraph, folder: ModelFolder, graph: GraphFile): void {
  if (!folder.source) return;
  // Names and lengths only (the files' lengths as loaded: a file replaced since is not read back): the callback
  // below must not hold the graph, whose bytes are what goes.
  const files = new Map<string, { path: string; size: number }>([
    [GRAPH_FILE, { path: graph.file, size: graph.bytes.length }],
    ...graph.externalData.map((data) => [data.path, { path: externalDataPath(graph.file, data.path), size: data.data.length }] as const),
  ]);
  const { baseUrl, cache, keyBase } = folder.source;
  probed.spill((location) => {
    const file = files.get(location);
    return file ? urlSource(join(baseUrl, file.path), { name: cache, key: join(keyBase, file.path) }, file.size) : null;
  });
}

/** The bytes of the weights the sessions will hold (a two-graph layout holds them twice). */
function weightBytes(folder: ModelFolder): number {
  const graphs = [folder.graph, ...(folder.stepGraph ? [folder.stepGraph] : [])];
  return graphs.reduce((sum, graph) => sum + graph.bytes.length + graph.externalData.reduce((size, file) => size + file.data.length, 0), 0);
}

/** A session per graph, both on one backend. When the step graph does not fit on WebGPU (two graphs hold the
 * weights twice), both move to WASM, unless WebGPU was asked for by name. */
async function openGraphs(
  folder: ModelFolder,
  backend: BackendRequest,
  wasmReason: FallbackReason,
): Promise<{ prompt: CapturingGraph; step: CapturingGraph | null }> {
  const probed = probe(folder.graph.bytes, folder.graph.file, folder.config, folder.graph.externalData);
  const stepProbed = folder.stepGraph
    ? probe(folder.stepGraph.bytes, folder.stepGraph.file, folder.config, folder.stepGraph.externalData)
    : null;
  const external = folder.graph.externalData;
  const stepExternal = folder.stepGraph?.externalData ?? [];
  const session = await ModelSession.create(probed.bytes, backend, wasmReason, external, cacheOutputs(probed));
  const prompt = { session, probed: { ...probed, bytes: new Uint8Array(0) } };
  if (!stepProbed) return { prompt, step: null };
  const step = { probed: { ...stepProbed, bytes: new Uint8Array(0) } };
  try {
    return {
      prompt,
      step: {
        ...step,
        session: await ModelSession.create(stepProbed.bytes, session.choice.backend, 'forced', stepExternal, cacheOutputs(stepProbed)),
      },
    };
  } catch (error) {
    await session.release();
    if (session.choice.backend === 'wasm' || backend === 'webgpu') throw error;
    const wasm = await ModelSession.create(probed.bytes, 'wasm', 'session-failed', external);
    return {
      prompt: { ...prompt, session: wasm },
      step: { ...step, session: await ModelSession.create(stepProbed.bytes, 'wasm', 'session-failed', stepExternal) },
    };
  }
}

/** The KV cache's outputs that no capture point reads: on WebGPU they stay in GPU memory between forward passes. */
function cacheOutputs(probed: ProbedGraph): string[] {
  const captured = new Set(probed.points.map((point) => point.tensor));
  return probed.outputNames.filter((name) => name.startsWith('present.') && !captured.has(name));
}

/** The graph files to try in a Hub repository: the precision asked for, or transformers.js' default for the
 * backend that will most likely run (then the others, smallest first). "auto" counts only a real GPU. */
async function hubGraphs(backend: BackendRequest, requested: Dtype | null, softwareGpu = false) {
  const webgpu =
    backend === 'webgpu' ? (await webgpuStatus()) === null : backend === 'auto' && (await inspectAdapter(softwareGpu)).kind === 'hardware';
  return hubGraphChoices(requested, defaultDtype(webgpu ? 'webgpu' : 'wasm', webgpu && (await webgpuHasShaderF16())));
}

/** How many candidates per step get token labels (the views show at most this many bars). */
const LABELLED_CANDIDATES = 16;

let loaded: Loaded | null = null;

/** The runs the page shows, over the loaded model's generator. */
let runs: RunTable | null = null;
/** The sessions' one busy guard, and cancels by request id. */
const requests = new ExclusiveRequests();

/** Runs `work` with the sessions to itself, cancellable by its request id; another such request meanwhile is refused. */
function exclusive<T>(id: number, work: (isCancelled: () => boolean) => Promise<T>): Promise<T> {
  return requests.run(id, work);
}

function requireRuns(): RunTable {
  requireModel();
  return runs!;
}

/** Sets the active run's cache aside (before something else uses the generator). */
function parkActiveRun(): void {
  runs?.parkActive();
}

const post = (event: Event, transfer: Transferable[] = []) => (self as DedicatedWorkerGlobalScope).postMessage(event, transfer);

function requireModel(): Loaded {
  if (!loaded) throw new EngineError('internal', { detail: 'no model loaded' });
  return loaded;
}

async function handle<T extends Request['type']>(request: Extract<Request, { type: T }>): Promise<ResultTypes[T]>;
async function handle(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'load': {
      const started = performance.now();
      const hub = request.source === 'hub';
      const folder = await loadModelFolder(request.baseUrl, (progress) => post({ id: request.id, type: 'progress', progress }), {
        cache: hub ? HUB_CACHE : null,
        cacheBase: request.cacheBase,
        graphs: hub ? await hubGraphs(request.backend, request.dtype ?? null, request.softwareGpu) : EMBEDDED_GRAPHS,
      });
      return start(folder, request.backend, started, request.baseUrl, request);
    }
    case 'loadFiles': {
      const started = performance.now();
      return start(await loadLocalFolder(request.files, request.name), request.backend, started, `local:${request.name}`, request);
    }
    case 'tokenize': {
      const { tokenizer } = requireModel();
      const ids = tokenizer.encode(request.text);
      return { ids, tokens: tokenizer.describe(ids) };
    }
    case 'describe':
      return requireModel().tokenizer.describe(request.ids);
    case 'begin': {
      const { tokenizer } = requireModel();
      if (requests.busy) throw new EngineError('busy');
      const { ids, dropped, total } = promptIds(request.prompt);
      requireRuns().keep(request.run, request.replaces, {
        ids,
        promptLength: ids.length,
        recorded: 0,
        rngState: request.seed >>> 0,
        settings: request.settings,
        intervention: request.intervention ?? null,
        plan: request.plan ?? FULL_CAPTURE,
        forced: null,
        truncation: { dropped, total },
      });
      return { tokens: tokenizer.describe(ids), dropped, total, forced: null };
    }
    case 'fork': {
      const { tokenizer } = requireModel();
      if (requests.busy) throw new EngineError('busy');
      const own = request.prompt === null ? null : promptIds(request.prompt);
      const forked = requireRuns().fork(request.run, request.replaces, request.of, {
        ids: own?.ids ?? null,
        positions: request.positions,
        feed: request.feed,
        rngState: request.seed >>> 0,
        settings: request.settings,
        intervention: request.intervention ?? null,
        plan: request.plan ?? FULL_CAPTURE,
        ...(own ? { truncation: { dropped: own.dropped, total: own.total } } : {}),
      });
      return {
        tokens: tokenizer.describe(forked.ids.slice(0, forked.promptLength)),
        ...forked.truncation,
        forced: forked.forced,
      };
    }
    case 'adopt':
      if (requests.busy) throw new EngineError('busy');
      return requireRuns().keep(request.run, request.replaces, {
        ids: [...request.ids],
        promptLength: request.promptLength,
        recorded: request.recorded,
        rngState: request.rngState >>> 0,
        settings: request.settings,
        intervention: request.intervention ?? null,
        plan: request.plan ?? FULL_CAPTURE,
        forced: request.forced ?? null,
        truncation: { dropped: request.dropped ?? 0, total: request.promptLength + (request.dropped ?? 0) },
      });
    case 'plan':
      return runs?.setPlan(request.run, request.plan);
    case 'forget':
      if (requests.busy && runs?.isActive(request.run)) throw new EngineError('busy');
      return runs?.forget(request.run);
    case 'capture':
      // Runs between two tokens of a generation if one is under way (the session takes one call at a time).
      return requireModel().generator.capture(request.ids, request.hooks, request.intervention, request.from);
    case 'need':
      return requireRuns().need(request.run, request.hooks, request.positions, request.from, request.whole === true);
    case 'rankHeads':
      return rankHeadsRequest(request);
    case 'patch': {
      const { generator, folder, prompt } = requireModel();
      return exclusive(request.id, (isCancelled) =>
        patchSweep(generator, folder.config, prompt.probed.points, request, {
          progress: (done, total) => post({ id: request.id, type: 'patched', done, total }),
          cancelled: async () => {
            await new Promise((resolve) => setTimeout(resolve, 0)); // lets a cancel message in
            return isCancelled();
          },
        }),
      );
    }
    case 'continue':
      return continueRun(request);
    case 'lookingCost': {
      const { generator, prompt, folder, weightBytes } = requireModel();
      const { measureLookingCost, LOOKING_COST_MAX_BYTES } = await import('./lookingCost');
      if (weightBytes > LOOKING_COST_MAX_BYTES) throw new EngineError('too-large-to-measure', { megabytes: Math.round(weightBytes / 1e6) });
      return exclusive(request.id, async () => {
        // The measurement uses the generator's cache: the run there keeps its own aside meanwhile.
        parkActiveRun();
        return measureLookingCost(generator, prompt, folder.config, request.plan);
      });
    }
    case 'recompute':
    case 'lens':
    case 'loseDevice':
      // Requests for tests and the benchmark: their module loads only when one asks.
      return (await import('./diagnostics')).diagnose(request, { loaded: requireModel(), exclusive, parkActiveRun });
    case 'readLens': {
      const lens = requireModel().prompt.probed.lens;
      return lens ? request.vectors.map((vector) => readLens(vector, lens, request.top, request.track)) : null;
    }
    case 'neighbours': {
      const lens = requireModel().prompt.probed.lens;
      return lens ? cosineNeighbours(lens.embedding, lens.dModel, request.vector, request.k, request.exclude) : [];
    }
    case 'warm':
      return warmUp(await warmBackends(request.backend, request));
    case 'time':
      return timeGeneration(request.id);
    case 'recomputes': {
      const { generator } = requireModel();
      return { ...generator.recomputes, segmentsOpened: generator.segmentsOpened };
    }
  }
}

/** A prompt's ids, the oldest dropped where it is longer than the model's context. */
function promptIds(prompt: string): { ids: number[]; dropped: number; total: number } {
  const { tokenizer, folder } = requireModel();
  const all = tokenizer.encode(prompt);
  if (all.length === 0) throw new EngineError('prompt-empty');
  const dropped = Math.max(0, all.length - folder.config.nCtx);
  return { ids: all.slice(dropped), dropped, total: all.length };
}

/** The runtimes a load will most likely use: WASM, where "auto" starts unless a model measured on this GPU chose
 * WebGPU (then WebGPU alone: a session waits for the whole warm-up). */
async function warmBackends(backend: BackendRequest, auto: AutoOptions): Promise<Backend[]> {
  if (backend !== 'auto') return [backend];
  const adapter = await inspectAdapter(auto.softwareGpu);
  if (adapter.kind !== 'hardware') return ['wasm'];
  const measuredWebgpu = Object.entries(auto.remembered ?? {}).some(
    ([key, choice]) => key.endsWith(` @ ${adapter.description}`) && choice.backend === 'webgpu',
  );
  return measuredWebgpu ? ['webgpu'] : ['wasm'];
}

/** Generates up to `maxNewTokens` on the run, sending each forward pass and each sampled token as it happens. */
async function continueRun(request: Extract<Request, { type: 'continue' }>): Promise<{ stopReason: StopReason }> {
  const { tokenizer } = requireModel();
  return exclusive(request.id, async (isCancelled) => {
    const stopReason = await requireRuns().continue(
      request.run,
      request.maxNewTokens,
      request.settings,
      (event) => {
        if (event.type === 'forward') post({ id: request.id, type: 'forward', record: event.record }, recordBuffers(event.record));
        else {
          const { position, decision, fed, rngState } = event;
          const token = tokenizer.describe([fed])[0]!;
          const labelled = decision.candidates.slice(0, LABELLED_CANDIDATES).map((candidate) => candidate.id);
          const candidateTokens = labelled.map((id) => tokenizer.describe([id])[0]!);
          post({ id: request.id, type: 'step', step: { position, decision, token, candidateTokens }, rngState });
        }
      },
      isCancelled,
    );
    return { stopReason };
  });
}

/** Ranks the heads for one token (interventions.ts), with progress after each and a cancel between them. */
async function rankHeadsRequest(request: Extract<Request, { type: 'rankHeads' }>): Promise<HeadEffect[]> {
  const { generator, folder } = requireModel();
  const ids = requireRuns().promptIds(request.run);
  return exclusive(request.id, async (isCancelled) => {
    // The ranking switches heads off in the generator: the run there keeps its cache aside meanwhile.
    parkActiveRun();
    try {
      return await rankHeads(generator, folder.config, ids, request.tokenId, {
        progress: (done, total) => post({ id: request.id, type: 'ranked', done, total }),
        cancelled: async () => {
          await new Promise((resolve) => setTimeout(resolve, 0)); // lets a cancel message in
          return isCancelled();
        },
      });
    } finally {
      generator.intervene(null);
    }
  });
}

/** Times what generating costs on the loaded sessions: a short prompt, then one position per token, captures
 * included. A first round warms up (WebGPU compiles its shaders, both allocate); the second is timed. */
async function timeGeneration(id: number): Promise<number> {
  const { generator, folder } = requireModel();
  return exclusive(id, async () => {
    parkActiveRun();
    const round = async () => (await timeSteps(generator, folder.config.vocabSize)).times;
    try {
      await round();
      const times = (await round()).sort((a, b) => a - b);
      return times[Math.floor(times.length / 2)]!;
    } finally {
      generator.reset();
    }
  });
}

/** The buffers a result moves to the page instead of copying (a lens' W_E is 154 MB for GPT-2 small). */
function resultBuffers(type: Request['type'], value: unknown): Transferable[] {
  if (type === 'capture' || type === 'need') return recordBuffers(value as ForwardRecord);
  if (type === 'patch') return patchBuffers(value as PatchResult);
  if (type === 'lens') return lensBuffers(value as LensParameters | null);
  return [];
}

function recordBuffers(record: ForwardRecord): Transferable[] {
  return [...new Set(Object.values(record.tensors).map((rows) => rows.data.buffer as ArrayBuffer))];
}

function lensBuffers(lens: LensParameters | null): Transferable[] {
  if (!lens) return [];
  // (Only float32 copies travel: 8-bit codes are a view of the file the worker keeps.)
  const buffers = new Set([
    ...(lens.embedding instanceof Float32Array ? [lens.embedding.buffer] : []),
    lens.lnWeight.buffer,
    lens.lnBias.buffer,
  ]);
  return [...buffers].filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
}

function patchBuffers(result: PatchResult): Transferable[] {
  return [result.resid, result.head, result.attn, result.mlp].flatMap((grid) => (grid ? [grid.buffer as ArrayBuffer] : []));
}

// onnxruntime's pthread workers load this same chunk; they must keep Emscripten's own handler (docs/runtime-notes.md, "Worker").
if (!self.name?.startsWith('em-pthread')) {
  self.onmessage = (message: MessageEvent<Request | Control>) => {
    const request = message.data;
    if (request.type === 'cancel') {
      requests.cancel(request.id);
      return;
    }
    handle(request).then(
      (value) => post({ id: request.id, type: 'result', value }, resultBuffers(request.type, value)),
      (error) => post({ id: request.id, type: 'error', error: toErrorData(error) }),
    );
  };
}
