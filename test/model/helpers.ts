import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseModelConfig } from '../../src/engine/models/config';
import { CACHED_GRAPH } from '../../src/engine/models/folder';
import { probe } from '../../src/engine/probe';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import { Tokenizer } from '../../src/engine/tokenizer';
import { TraceRecorder, type Trace } from '../../src/engine/trace';
import type { ProbedGraph } from '../../src/engine/probe';
import type { ModelConfig } from '../../src/engine/models/config';
import type { SamplingSettings } from '../../src/engine/sampling';
import { LEAN_LOGITS_KEPT, type CapturePlan } from '../../src/engine/capturePlan';
import type { Intervention } from '../../src/engine/probe/intervention';

export const MODEL_NAME = 'flow-gpt2-tiny';
export const EMBEDDED_MODELS = ['flow-gpt2-tiny', 'flow-llama-tiny', 'flow-gpt2-tiny-induction'] as const;
const dir = (model: string) => resolve(__dirname, '../../public/models', model);

export function readModelFile(file: string, model: string = MODEL_NAME): Uint8Array {
  return new Uint8Array(readFileSync(resolve(dir(model), file)));
}

export function readJson(file: string, model: string = MODEL_NAME): unknown {
  return JSON.parse(readFileSync(resolve(dir(model), file), 'utf8'));
}

export interface Reference {
  prompts: { prompt: string; input_ids: number[]; shape: number[]; logits: number[] }[];
}

export function reference(model: string = MODEL_NAME): Reference {
  return JSON.parse(readFileSync(resolve(__dirname, `../fixtures/${model}.reference.json`), 'utf8'));
}

/** The engine as the worker builds it, on onnxruntime-web's WASM backend in Node. */
export async function loadEngine(model: string = MODEL_NAME) {
  const config = parseModelConfig(readJson('config.json', model));
  const probed = probe(readModelFile(CACHED_GRAPH, model), CACHED_GRAPH, config);
  const session = await ModelSession.create(probed.bytes, 'wasm');
  const tokenizer = new Tokenizer(readJson('tokenizer.json', model), readJson('tokenizer_config.json', model));
  return { config, probed, session, tokenizer, generator: new Generator({ session, probed }, null, config) };
}

/** ‖actual − expected‖ / ‖expected‖. */
export function relativeDistance(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < actual.length; i++) {
    difference += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(difference / norm);
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** One run recorded into a Trace as the page records it (forwards, then each step's token fed), in Node; under
 * `plan` (a large model's lean capture: the recorder then keeps only the newest logits, as the page's does); with
 * `intervention`'s parts switched off; teacher-forced with `forced` (the tokens fed after the prompt). */
export async function recordTrace(
  engine: { config: ModelConfig; probed: ProbedGraph; tokenizer: Tokenizer; generator: Generator },
  run: {
    modelName: string;
    prompt: string;
    settings: SamplingSettings;
    seed: number;
    maxNewTokens: number;
    plan?: CapturePlan;
    intervention?: Intervention | null;
    forced?: readonly number[];
  },
): Promise<{ trace: Trace; ids: number[]; recorder: TraceRecorder }> {
  const { config, probed, tokenizer, generator } = engine;
  const ids = tokenizer.encode(run.prompt);
  const recorder = new TraceRecorder({
    modelName: run.modelName,
    config,
    points: probed.points,
    backend: 'wasm',
    fallbackReason: 'forced',
    settings: run.settings,
    seed: run.seed,
    prompt: run.prompt,
    truncatedTokens: 0,
    promptLength: ids.length,
    tokens: tokenizer.describe(ids),
    intervention: run.intervention ?? null,
    feeding: run.forced ? 'teacher-forced' : 'sampled',
  });
  // (intervene drops the cache, as a new run in the worker does.)
  generator.intervene(run.intervention ?? null);
  const plan = run.plan;
  const result = await generator.generate(
    {
      ids,
      maxNewTokens: run.maxNewTokens,
      settings: run.settings,
      rngState: run.seed,
      ...(plan ? { plan: () => plan } : {}),
      ...(run.forced ? { forced: run.forced } : {}),
    },
    (event) => {
      if (event.type === 'forward') {
        recorder.addForward(event.record);
        if (plan?.mode === 'lean') recorder.keepNewestLogits(LEAN_LOGITS_KEPT);
      } else {
        const token = tokenizer.describe([event.fed])[0]!;
        recorder.addStep({ position: event.position, decision: event.decision, token, candidateTokens: [] }, event.rngState);
      }
    },
    () => false,
  );
  recorder.end(result.stopReason);
  generator.intervene(null);
  return { trace: recorder.snapshot(), ids: result.ids, recorder };
}
