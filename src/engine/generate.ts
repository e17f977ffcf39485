import { EngineError } from './errors';
import type { ModelConfig } from './models/config';
import type { CapturePoint } from './probe/capturePoints';
import type { ProbedGraph } from './probe';
import { ort, type Feeds, type ModelSession, type Outputs } from './runtime';
import { SeededRandom } from './random';
import { sample, type SamplingSettings } from './sampling';
import type { CapturedRows, ForwardRecord, StopReason } from './trace';
import type { SamplingDecision } from './sampling';

export interface GenerateRequest {
  /** Every token so far (prompt + generated); the engine feeds what its cache has not seen. */
  ids: number[];
  maxNewTokens: number;
  settings: SamplingSettings;
  /** The seeded generator's state, so a run continues exactly where the last one stopped. */
  rngState: number;
}

export type GenerateEvent =
  | { type: 'forward'; record: ForwardRecord }
  | { type: 'step'; position: number; decision: SamplingDecision; rngState: number };

export interface GenerateResult {
  stopReason: StopReason;
  rngState: number;
  ids: number[];
}

/** The autoregressive loop over one capturing session. With a KV-cache graph each new token is one position;
 * the cache stays in the worker between calls, so "step one token" costs one position too. */
export class Generator {
  private cache: { ids: number[]; past: Feeds } | null = null;

  constructor(
    private readonly session: ModelSession,
    private readonly probed: ProbedGraph,
    private readonly config: ModelConfig,
    private readonly graphKind: 'cached' | 'full',
  ) {}

  async generate(
    request: GenerateRequest,
    emit: (event: GenerateEvent) => void,
    cancelled: () => boolean,
  ): Promise<GenerateResult> {
    const ids = [...request.ids];
    const random = new SeededRandom(request.rngState);
    let produced = 0;
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
      if (ids.length > this.config.nCtx) {
        stopReason = 'context-full';
        break;
      }
      const { record, lastLogits } = await this.forward(ids);
      emit({ type: 'forward', record });
      const decision = sample(lastLogits, request.settings, () => random.next());
      emit({ type: 'step', position: ids.length - 1, decision, rngState: random.state });
      ids.push(decision.chosenId);
      produced++;
      if (decision.chosenId === this.config.eosTokenId) {
        stopReason = 'eos';
        break;
      }
    }
    return { stopReason, rngState: random.state, ids };
  }

  /** Runs the positions of `ids` the cache has not seen (all of them after a change of prompt). */
  async forward(ids: number[]): Promise<{ record: ForwardRecord; lastLogits: Float32Array }> {
    const reuse =
      this.graphKind === 'cached' &&
      this.cache !== null &&
      this.cache.ids.length < ids.length &&
      this.cache.ids.every((id, i) => ids[i] === id);
    const start = reuse ? this.cache!.ids.length : 0;
    const feeds = this.feeds(ids, start, reuse ? this.cache!.past : null);
    const outputs = await this.session.run(feeds);
    if (this.graphKind === 'cached') this.cache = { ids: [...ids], past: this.presents(outputs) };
    const count = ids.length - start;
    const record: ForwardRecord = { start, count, tensors: {} };
    const seen = new Map<string, CapturedRows>();
    for (const point of this.probed.points) {
      const tensor = outputs[point.tensor];
      if (!tensor) throw new EngineError('internal', { detail: `missing output ${point.tensor}` });
      if (!seen.has(point.tensor)) seen.set(point.tensor, toRows(point, tensor, count));
      record.tensors[point.hook] = seen.get(point.tensor)!;
    }
    const logits = record.tensors['logits']!;
    const vocab = this.config.vocabSize;
    // A copy: the record's buffers are transferred to the main thread, which detaches them here.
    return { record, lastLogits: logits.data.slice((count - 1) * vocab, count * vocab) };
  }

  /** Forgets the KV cache (after a new prompt or a settings change that restarts the run). */
  reset(): void {
    this.cache = null;
  }

  private feeds(ids: number[], start: number, past: Feeds | null): Feeds {
    const fed = ids.slice(start);
    const feeds: Feeds = {};
    const names = new Set(this.session.inputNames);
    feeds['input_ids'] = new ort.Tensor('int64', BigInt64Array.from(fed, BigInt), [1, fed.length]);
    if (names.has('attention_mask')) {
      feeds['attention_mask'] = new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
    }
    if (names.has('position_ids')) {
      const positions = BigInt64Array.from(fed, (_, i) => BigInt(start + i));
      feeds['position_ids'] = new ort.Tensor('int64', positions, [1, fed.length]);
    }
    const { nLayer, nKvHead, dHead } = this.config;
    for (let layer = 0; layer < nLayer; layer++) {
      for (const kind of ['key', 'value']) {
        const name = `past_key_values.${layer}.${kind}`;
        if (!names.has(name)) continue;
        feeds[name] = past?.[name] ?? new ort.Tensor('float32', new Float32Array(0), [1, nKvHead, 0, dHead]);
      }
    }
    return feeds;
  }

  private presents(outputs: Outputs): Feeds {
    const past: Feeds = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = tensor;
    }
    return past;
  }
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

/** Cuts an output tensor to the new positions, position-major (see CapturedRows). Always copies, so the
 * rows can be transferred to the main thread while the KV cache keeps its own tensors. */
export function toRows(point: CapturePoint, tensor: ort.Tensor, count: number): CapturedRows {
  const data = tensor.data as Float32Array;
  const dims = tensor.dims as number[];
  if (point.layout === 'tokens') {
    const x = dims[dims.length - 1]!;
    const rows = dims[dims.length - 2]!;
    return { dims: [count, x], data: data.slice((rows - count) * x) };
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
