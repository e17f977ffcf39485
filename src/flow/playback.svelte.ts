import { frameOfLayer, frameOfStep, overviewStops, type Frame, type Pace } from './timeline';

/** Where playback is in the timeline; reactive, so the chart and the captions follow it. No timers here: the
 * component that plays calls `forward()` on its own clock. The timeline always holds every box; the pace only
 * decides which of them `forward()` and `back()` stop at. */
export class Playback {
  frames = $state.raw<Frame[]>([]);
  index = $state(0);
  pace = $state<Pace>('every');
  /** The overview shows the first token's pass box by box until the learner has watched a run to its end. */
  watched = $state(false);
  /** Per frame: whether the overview pace stops there. */
  private stops = $state.raw<boolean[]>([]);

  constructor(frames: Frame[] = []) {
    this.setFrames(frames, 0);
  }

  get frame(): Frame {
    return this.frames[this.index] ?? { node: 'start', layer: null, step: 0 };
  }

  get atEnd(): boolean {
    return this.index >= this.frames.length - 1;
  }

  /** The stops of the current pace before and at the current frame, and in all: the counter the learner reads. */
  get position(): { index: number; count: number } {
    if (this.pace === 'every') return { index: this.index, count: this.frames.length };
    let index = -1;
    let count = 0;
    this.stops.forEach((stop, i) => {
      if (!stop) return;
      if (i <= this.index) index++;
      count++;
    });
    return { index: Math.max(0, index), count };
  }

  /** New frames (the run grew, or a new run began); the position is kept where it still exists. */
  setFrames(frames: Frame[], index = this.index): void {
    this.frames = frames;
    this.stops = overviewStops(frames, !this.watched);
    this.index = Math.max(0, Math.min(index, frames.length - 1));
  }

  private isStop(index: number): boolean {
    return this.pace === 'every' || this.stops[index] === true;
  }

  /** The frame `forward()` goes to (the current one at the end). */
  nextIndex(): number {
    let next = this.index + 1;
    while (next < this.frames.length - 1 && !this.isStop(next)) next++;
    return next < this.frames.length ? next : this.index;
  }

  /** Whether the next stop is the run's last frame (End): while the run still grows, the player waits there. */
  get nextIsLast(): boolean {
    return this.nextIndex() === this.frames.length - 1;
  }

  forward(): void {
    this.index = this.nextIndex();
    if (this.atEnd && this.frames.length > 1) this.watched = true;
  }

  back(): void {
    let previous = this.index - 1;
    while (previous > 0 && !this.isStop(previous)) previous--;
    if (previous >= 0) this.index = previous;
  }

  restart(): void {
    this.index = 0;
  }

  toEnd(): void {
    this.index = Math.max(0, this.frames.length - 1);
    if (this.frames.length > 1) this.watched = true;
  }

  jumpTo(index: number): void {
    if (index >= 0 && index < this.frames.length) this.index = index;
  }

  jumpToLayer(layer: number): void {
    this.jumpTo(frameOfLayer(this.frames, this.frame.step, layer));
  }

  jumpToStep(step: number): void {
    this.jumpTo(frameOfStep(this.frames, step));
  }
}
