/** How often the detail views follow a run while it generates. */
export const VIEW_UPDATE_MS = 1000;
/** How often the chart and the chips follow a run while it generates. Every frame (60 a second) cost a small model
 * a fifth to a third of its speed on a 2-core machine: the page's layout and painting compete with the worker for
 * the cores. Ten times a second still reads as text streaming in (docs/benchmarks.md). */
export const LIVE_FRAME_MS = 100;

/** What the clock needs from the browser (a test passes its own). */
export interface ClockHost {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  requestAnimationFrame(run: () => void): unknown;
  cancelAnimationFrame(handle: unknown): void;
}

const browserHost: ClockHost = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  requestAnimationFrame: (run) => requestAnimationFrame(run),
  cancelAnimationFrame: (handle) => cancelAnimationFrame(handle as number),
};

/** When what reads a run redraws. While generating, the engine's deltas come faster than the page should draw: the
 * chart and the chips get a new snapshot in the next frame, then at most once every LIVE_FRAME_MS; the heavy detail
 * views at most once a second; when the run is idle or ends, both get one at once. */
export class RedrawClock {
  /** The timer, then the animation frame, of the next snapshot for the chart and chips (one of them at a time). */
  private frameTimer: unknown = null;
  private frameRequest: unknown = null;
  private viewTimer: unknown = null;
  private lastFrame = -Infinity;

  constructor(
    private readonly publish: (views: boolean) => void,
    private readonly host: ClockHost = browserHost,
  ) {}

  /** Something changed; `live`: a run is generating (so updates are gathered); `urgent`: drawn in the next frame,
   * however recently the last one was (a run's first new token). */
  changed(live: boolean, urgent = false): void {
    if (!live) return this.now();
    if (this.frameRequest === null && (urgent || this.frameTimer === null)) {
      this.cancelFrame();
      const wait = urgent ? 0 : this.lastFrame + LIVE_FRAME_MS - this.host.now();
      if (wait > 0)
        this.frameTimer = this.host.setTimeout(() => {
          this.frameTimer = null;
          this.requestFrame();
        }, wait);
      else this.requestFrame();
    }
    this.viewTimer ??= this.host.setTimeout(() => {
      this.viewTimer = null;
      this.publish(true);
    }, VIEW_UPDATE_MS);
  }

  private requestFrame(): void {
    this.frameRequest = this.host.requestAnimationFrame(() => {
      this.frameRequest = null;
      this.lastFrame = this.host.now();
      this.publish(false);
    });
  }

  /** Publishes now, dropping what was scheduled: to the chart and chips, and with `views` to the views too; the next
   * change is drawn in the next frame. */
  now(views = true): void {
    this.cancelFrame();
    if (views) {
      if (this.viewTimer !== null) this.host.clearTimeout(this.viewTimer);
      this.viewTimer = null;
    }
    this.lastFrame = -Infinity;
    this.publish(views);
  }

  private cancelFrame(): void {
    if (this.frameTimer !== null) this.host.clearTimeout(this.frameTimer);
    if (this.frameRequest !== null) this.host.cancelAnimationFrame(this.frameRequest);
    this.frameTimer = this.frameRequest = null;
  }
}
