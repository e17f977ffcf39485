import { TIMED_PROMPT, feedsFor, presentsAsPast, timeSteps, timedSequence, type Generator } from './generate';
import { interventionFeeds } from './probe/intervention';
import { ModelSession, releaseGpuTensors, type Feeds, type Outputs } from './runtime';
import type { ProbedGraph } from './probe';
import type { ModelConfig } from './models/config';
import type { CapturePlan } from './capturePlan';
import type { ForwardRecord } from './trace';

/** What looking costs on the loaded model, measured on this device: a generated token's forward pass through the
 * capturing graph as a run's plan captures, against the same pass through the same graph with no capture among its
 * outputs, and the bytes of captured rows a token hands to the page (docs/benchmarks.md). */
export interface LookingCost {
  /** Median milliseconds of a token's pass, capturing as `plan` says. */
  capturingMs: number;
  /** Median milliseconds of the same pass with nothing captured. */
  plainMs: number;
  /** Bytes of captured rows one token's pass hands over (the newest of the timed ones). */
  bytesPerToken: number;
  /** Tokens timed on each graph, and the context they ran at. */
  tokens: number;
  context: number;
}

/** The largest model measured: the plain graph's session loads the weights a second time, in the worker that runs
 * the model (a WebAssembly heap has 4 GB at most). */
export const LOOKING_COST_MAX_BYTES = 300e6;

/** Measures on `graph` (the generator's, probed): the generator's cache is dropped (the caller parks its run first).
 * The plain graph's session is made for the measurement and let go after it. Null for a graph whose steps run in a
 * second graph (Optimum's two-graph layout): the plain pair is not made. */
export async function measureLookingCost(
  generator: Generator,
  graph: { session: ModelSession; probed: ProbedGraph },
  config: ModelConfig,
  plan: CapturePlan,
): Promise<LookingCost | null> {
  if (generator.kind === 'two-graph') return null;
  const sequence = timedSequence(config.vocabSize);
  const { bytes, externalData } = await graph.probed.plain();
  // As the app's session keeps them: on WebGPU the presents stay in GPU memory for the next pass.
  const presentNames = graph.probed.outputNames.filter((name) => name.startsWith('present.'));
  const plain = await ModelSession.create(bytes, graph.session.choice.backend, 'forced', externalData, presentNames);
  const noScales = interventionFeeds(null, config.nLayer, config.nHead, config.dHead, config.dModel);
  const cached = generator.kind === 'cached';
  try {
    const capturingRound = async () => {
      const { times, last } = await timeSteps(generator, config.vocabSize, plan);
      return { times, bytesPerToken: recordBytes(last) };
    };
    // The same sequence and passes through the plain graph, its own cache carried from pass to pass.
    const plainRound = async () => {
      let past: Feeds | null = null;
      const run = async (ids: number[], start: number) => {
        const feeds = feedsFor(plain.inputNames, plain.tensor, config, ids, start, past, graph.probed.pastType, noScales);
        const outputs: Outputs = await plain.run(feeds);
        const read = past;
        past = cached ? presentsAsPast(outputs) : null;
        if (read) releaseGpuTensors(Object.values(read));
      };
      await run(sequence.slice(0, TIMED_PROMPT), 0);
      const times: number[] = [];
      for (let length = TIMED_PROMPT + 1; length <= sequence.length; length++) {
        const ids = sequence.slice(0, length);
        const started = performance.now();
        await run(ids, cached ? length - 1 : 0);
        times.push(performance.now() - started);
      }
      if (past) releaseGpuTensors(Object.values(past));
      return times;
    };
    // A warm-up of each (first runs allocate, WebGPU compiles), then the two in turn.
    await capturingRound();
    await plainRound();
    const capturing: number[] = [];
    const plainTimes: number[] = [];
    let bytesPerToken = 0;
    for (let round = 0; round < 2; round++) {
      const measured = await capturingRound();
      capturing.push(...measured.times);
      bytesPerToken = measured.bytesPerToken;
      plainTimes.push(...(await plainRound()));
    }
    return {
      capturingMs: median(capturing),
      plainMs: median(plainTimes),
      bytesPerToken,
      tokens: capturing.length,
      context: sequence.length,
    };
  } finally {
    generator.reset();
    await plain.release();
  }
}

/** The bytes a record hands over, each buffer once (two hooks of one tensor share their rows). */
export function recordBytes(record: ForwardRecord): number {
  const seen = new Set<unknown>();
  let bytes = 0;
  for (const rows of Object.values(record.tensors)) {
    if (seen.has(rows)) continue;
    seen.add(rows);
    bytes += rows.data.byteLength;
  }
  return bytes;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
