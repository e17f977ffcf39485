import { EngineError, type EngineErrorData } from '../engine/errors';
import type { FileProgress } from '../engine/models/folder';
import type { Control, Event, Request, ResultTypes } from '../engine/protocol';
import type { ForwardRecord, TraceStep } from '../engine/trace';

type Distributive<T> = T extends unknown ? Omit<T, 'id'> : never;
type RequestBody = Distributive<Request>;

export interface CallHandlers {
  /** Aborting it cancels the request in the worker (a generation stops between two tokens; a ranking between two
   * heads); the call then ends as the worker ends it. */
  signal?: AbortSignal;
  /** Buffers that move to the worker instead of being copied (the caller gives them up). */
  transfer?: Transferable[];
  onProgress?: (progress: FileProgress) => void;
  onForward?: (record: ForwardRecord) => void;
  onStep?: (step: TraceStep, rngState: number) => void;
  onRanked?: (done: number, total: number) => void;
  onPatched?: (done: number, total: number) => void;
}

interface Pending extends CallHandlers {
  resolve: (value: unknown) => void;
  reject: (error: EngineError) => void;
}

/** The main thread's handle on the engine worker: typed calls that resolve or reject, with events on the way.
 * Components never call postMessage themselves. */
export class EngineClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private crashed: EngineErrorData | null = null;

  constructor() {
    this.worker = new Worker(new URL('../engine/worker.ts', import.meta.url), { type: 'module', name: 'engine' });
    this.worker.onmessage = (message: MessageEvent<Event>) => this.receive(message.data);
    this.worker.onerror = (event) => this.failAll({ code: 'worker-crashed', params: { detail: event.message ?? '' } });
  }

  call<T extends Request['type']>(body: Extract<RequestBody, { type: T }>, handlers: CallHandlers = {}): Promise<ResultTypes[T]> {
    if (this.crashed) return Promise.reject(new EngineError(this.crashed.code, this.crashed.params));
    const id = this.nextId++;
    const { signal, transfer = [] } = handlers;
    return new Promise<ResultTypes[T]>((resolve, reject) => {
      this.pending.set(id, { ...handlers, resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...body, id } as Request, transfer);
      if (signal?.aborted) this.cancel(id);
      else signal?.addEventListener('abort', () => this.cancel(id), { once: true });
    });
  }

  private cancel(id: number): void {
    if (this.pending.has(id)) this.worker.postMessage({ type: 'cancel', id } satisfies Control);
  }

  terminate(): void {
    this.worker.terminate();
    this.failAll({ code: 'worker-crashed', params: { detail: 'terminated' } });
  }

  private receive(event: Event): void {
    const pending = this.pending.get(event.id);
    if (!pending) return;
    switch (event.type) {
      case 'progress':
        pending.onProgress?.(event.progress);
        break;
      case 'forward':
        pending.onForward?.(event.record);
        break;
      case 'step':
        pending.onStep?.(event.step, event.rngState);
        break;
      case 'ranked':
        pending.onRanked?.(event.done, event.total);
        break;
      case 'patched':
        pending.onPatched?.(event.done, event.total);
        break;
      case 'result':
        this.pending.delete(event.id);
        pending.resolve(event.value);
        break;
      case 'error':
        this.pending.delete(event.id);
        pending.reject(new EngineError(event.error.code, event.error.params));
        break;
    }
  }

  private failAll(error: EngineErrorData): void {
    this.crashed = error;
    for (const pending of this.pending.values()) pending.reject(new EngineError(error.code, error.params));
    this.pending.clear();
  }
}
