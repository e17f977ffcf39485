import { feedsFor } from './generate';
import { loseWebgpuDevice, runtimeFor, sessionOptions } from './runtime';
import { asFloat32 } from './float16';
import type { LensParameters } from './lens';
import { matrixValues } from './tokenRows';
import type { Intervention } from './probe/intervention';
import type { Request, ResultTypes } from './protocol';
import type { Loaded } from './worker';

/** What the worker lends a diagnostic request: the loaded model, its one busy guard, and a way to set the run in
 * the generator aside. */
export interface WorkerState {
  loaded: Loaded;
  exclusive: <T>(id: number, work: (isCancelled: () => boolean) => Promise<T>) => Promise<T>;
  parkActiveRun: () => void;
}

type Diagnostic = Extract<Request, { type: 'recompute' | 'lens' | 'loseDevice' }>;

/** Requests the tests and the benchmark make, and the app never does: a timed recompute beside the plain graph, a
 * copy of the lens parameters, a lost WebGPU device. The worker loads this module only when one arrives. */
export async function diagnose<T extends Diagnostic['type']>(
  request: Extract<Diagnostic, { type: T }>,
  state: WorkerState,
): Promise<ResultTypes[T]>;
export async function diagnose(request: Diagnostic, state: WorkerState): Promise<unknown> {
  switch (request.type) {
    case 'recompute':
      return recompute(request.id, request.ids, request.intervention ?? null, state);
    case 'lens':
      return copyLens(state.loaded.prompt.probed.lens); // a copy, moved to the page
    case 'loseDevice':
      return loseWebgpuDevice();
  }
}

function copyLens(lens: LensParameters | null): LensParameters | null {
  return lens && { ...lens, embedding: matrixValues(lens.embedding), lnWeight: lens.lnWeight.slice(), lnBias: lens.lnBias.slice() };
}

/** The sequence through the capturing graph with no cache, timed, and through the plain graph (the file as it was,
 * kept with `?debug`) for its logits and time. */
async function recompute(id: number, ids: number[], intervention: Intervention | null, { loaded, exclusive, parkActiveRun }: WorkerState) {
  const { generator } = loaded;
  return exclusive(id, async () => {
    // The recompute switches its own parts off in the generator: the run there keeps its cache aside meanwhile.
    parkActiveRun();
    try {
      return await timedRecompute(loaded, ids, intervention);
    } finally {
      generator.intervene(null);
    }
  });
}

async function timedRecompute({ folder, generator, prompt }: Loaded, ids: number[], intervention: Intervention | null) {
  generator.intervene(intervention);
  await generator.forward(ids); // warm-up
  generator.reset();
  let started = performance.now();
  const { record } = await generator.forward(ids);
  const captureMs = performance.now() - started;
  if (folder.graph.bytes.length === 0) return { captured: record, plainLogits: null, captureMs, plainMs: null };
  const ort = await runtimeFor(prompt.session.choice.backend);
  const plain = await ort.InferenceSession.create(
    folder.graph.bytes,
    sessionOptions(prompt.session.choice.backend, folder.graph.externalData),
  );
  try {
    const input = feedsFor(
      plain.inputNames,
      (type, data, dims) => new ort.Tensor(type, data, dims),
      folder.config,
      ids,
      0,
      null,
      prompt.probed.pastType,
    );
    await plain.run(input); // warm-up
    started = performance.now();
    const out = await plain.run(input);
    return { captured: record, plainLogits: asFloat32(out['logits']!.data), captureMs, plainMs: performance.now() - started };
  } finally {
    await plain.release();
  }
}
