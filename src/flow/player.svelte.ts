import type { Playback } from './playback.svelte';

/** Speeds offered to the learner; 1× dwells 800 ms on each box. The default 2× plays a run's overview (about 60
 * stops for 24 tokens) in under half a minute. */
export const SPEEDS = [0.5, 1, 2, 4, 8, 16] as const;
const BASE_DWELL_MS = 800;

/** Plays a Playback on a clock. With `pauseAtEachBox` it stops after every box until asked to go on.
 * At the end of the frames it waits while the run still grows (frames are added as tokens arrive). */
export class Player {
  playing = $state(false);
  speed = $state<number>(2);
  pauseAtEachBox = $state(false);
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly playback: Playback,
    private readonly stillGrowing: () => boolean,
  ) {}

  play(): void {
    if (this.playback.atEnd && !this.stillGrowing()) this.playback.restart();
    this.playing = true;
    this.schedule();
  }

  pause(): void {
    this.playing = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), BASE_DWELL_MS / this.speed);
  }

  private tick(): void {
    if (!this.playing) return;
    // While the model still computes, the chart waits before End rather than showing a run that is over.
    if (this.playback.atEnd || (this.playback.nextIsLast && this.stillGrowing())) {
      if (this.stillGrowing()) return this.schedule();
      return this.pause();
    }
    this.playback.forward();
    if (this.pauseAtEachBox) return this.pause();
    this.schedule();
  }
}
