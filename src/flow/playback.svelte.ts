import { frameOfLayer, frameOfStep, type Frame } from './timeline';

/** Where playback is in the timeline; reactive, so the chart and the captions follow it. No timers here: the
 * component that plays calls `forward()` on its own clock. */
export class Playback {
  frames = $state.raw<Frame[]>([]);
  index = $state(0);

  constructor(frames: Frame[] = []) {
    this.frames = frames;
  }

  get frame(): Frame {
    return this.frames[this.index] ?? { node: 'start', layer: null, step: 0 };
  }

  get atEnd(): boolean {
    return this.index >= this.frames.length - 1;
  }

  /** New frames (the run grew, or a new run began); the position is kept where it still exists. */
  setFrames(frames: Frame[], index = this.index): void {
    this.frames = frames;
    this.index = Math.max(0, Math.min(index, frames.length - 1));
  }

  forward(): void {
    if (!this.atEnd) this.index++;
  }

  back(): void {
    if (this.index > 0) this.index--;
  }

  restart(): void {
    this.index = 0;
  }

  toEnd(): void {
    this.index = Math.max(0, this.frames.length - 1);
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
