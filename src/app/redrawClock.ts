/** How often the detail views follow a run while it generates. */
export const VIEW_UPDATE_MS = 1000;

/** When what reads a run redraws. While generating, the engine's deltas come faster than frames: the chart and the
 * chips get a new snapshot once per frame, the heavy detail views at most once a second; when the run is idle or
 * ends, both get one at once. */
export class RedrawClock {
  private frameRequest: number | null = null;
  private viewTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly publish: (views: boolean) => void) {}

  /** Something changed; `live`: a run is generating (so updates are gathered). */
  changed(live: boolean): void {
    if (!live) return this.now();
    this.frameRequest ??= requestAnimationFrame(() => {
      this.frameRequest = null;
      this.publish(false);
    });
    this.viewTimer ??= setTimeout(() => {
      this.viewTimer = null;
      this.publish(true);
    }, VIEW_UPDATE_MS);
  }

  /** Publishes now, dropping what was scheduled: to the chart and chips, and with `views` to the views too. */
  now(views = true): void {
    if (this.frameRequest !== null) cancelAnimationFrame(this.frameRequest);
    this.frameRequest = null;
    if (views) {
      if (this.viewTimer !== null) clearTimeout(this.viewTimer);
      this.viewTimer = null;
    }
    this.publish(views);
  }
}
