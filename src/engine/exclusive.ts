import { EngineError } from './errors';

/** The worker's one busy guard: a request that needs the sessions to itself (a generation, a ranking, a patch
 * sweep, a timing) runs alone, and only a cancel naming its own request id stops it. A cancel that arrives after
 * its request ended does nothing, so a late Stop never stops the next run. */
export class ExclusiveRequests {
  private readonly running = new Set<number>();
  private readonly cancelled = new Set<number>();
  private held = false;

  /** Whether such a request is under way. */
  get busy(): boolean {
    return this.held;
  }

  /** Runs `work` alone; another exclusive request meanwhile is refused ('busy'). */
  async run<T>(id: number, work: (isCancelled: () => boolean) => Promise<T>): Promise<T> {
    if (this.held) throw new EngineError('busy');
    this.held = true;
    this.running.add(id);
    try {
      return await work(() => this.cancelled.has(id));
    } finally {
      this.running.delete(id);
      this.cancelled.delete(id);
      this.held = false;
    }
  }

  /** Asks request `id` to stop, if it is running now. */
  cancel(id: number): void {
    if (this.running.has(id)) this.cancelled.add(id);
  }
}
