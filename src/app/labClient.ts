import { EngineError } from '../engine/errors';
import type { FileProgress } from '../engine/models/folder';
import type { LabTokenizerId } from '../engine/lab/catalog';
import type { LabEvent, SplitRequest, TokenizerSplit } from '../engine/lab/protocol';

interface Pending {
  resolve: (value: TokenizerSplit | null) => void;
  reject: (error: EngineError) => void;
  onProgress?: (progress: FileProgress) => void;
}

/** The page's handle on the tokenizer lab's worker (components never call postMessage). */
export class LabClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor() {
    this.worker = new Worker(new URL('../engine/lab/worker.ts', import.meta.url), { type: 'module', name: 'tokenizer-lab' });
    this.worker.onmessage = (message: MessageEvent<LabEvent>) => this.receive(message.data);
    this.worker.onerror = (event) => {
      for (const pending of this.pending.values()) pending.reject(new EngineError('worker-crashed', { detail: event.message ?? '' }));
      this.pending.clear();
    };
  }

  /** Splits `text` with one tokenizer (loading it first if needed); null when a newer text overtook it. */
  split(
    tokenizer: LabTokenizerId,
    text: string,
    limit: number,
    onProgress?: (progress: FileProgress) => void,
  ): Promise<TokenizerSplit | null> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, type: 'split', tokenizer, text, limit } satisfies SplitRequest);
    });
  }

  private receive(event: LabEvent): void {
    const pending = this.pending.get(event.id);
    if (!pending) return;
    if (event.type === 'progress') return pending.onProgress?.(event.progress);
    this.pending.delete(event.id);
    if (event.type === 'result') pending.resolve(event.value);
    else pending.reject(new EngineError(event.error.code, event.error.params));
  }
}

let shared: LabClient | null = null;

/** The one lab worker, started the first time the lab is shown and kept for the page's life (tokenizers loaded
 * once stay loaded). */
export function labClient(): LabClient {
  shared ??= new LabClient();
  return shared;
}
