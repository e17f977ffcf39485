import { describe, expect, it } from 'vitest';
import { LIVE_FRAME_MS, RedrawClock, VIEW_UPDATE_MS, type ClockHost } from '../../src/app/redrawClock';

/** A clock host on simulated time: timers fire when `advance` passes them, an animation frame every 16 ms. */
function simulatedHost() {
  let time = 0;
  let next = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  const FRAME_MS = 16;
  const host: ClockHost = {
    now: () => time,
    setTimeout: (run, ms) => {
      timers.set(next, { at: time + ms, run });
      return next++;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    requestAnimationFrame: (run) => host.setTimeout(run, FRAME_MS - (time % FRAME_MS) || FRAME_MS),
    cancelAnimationFrame: (handle) => host.clearTimeout(handle),
  };
  const advance = (ms: number) => {
    const end = time + ms;
    for (;;) {
      const due = [...timers].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      time = due[1].at;
      due[1].run();
    }
    time = end;
  };
  return { host, advance, now: () => time };
}

describe('the redraw clock', () => {
  it('draws a generating run in the next frame, then at most every LIVE_FRAME_MS, and the views once a second', () => {
    const { host, advance, now } = simulatedHost();
    const frames: number[] = [];
    const views: number[] = [];
    const clock = new RedrawClock((withViews) => (withViews ? views : frames).push(now()), host);
    // A token every 5 ms for 1.2 s: 240 changes.
    for (let t = 0; t < 1200; t += 5) {
      clock.changed(true);
      advance(5);
    }
    expect(frames[0]).toBeLessThanOrEqual(16);
    const gaps = frames.slice(1).map((at, i) => at - frames[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(LIVE_FRAME_MS);
    // Not much more: the chart keeps up with the run.
    expect(Math.max(...gaps)).toBeLessThan(LIVE_FRAME_MS + 2 * 16);
    expect(frames.length).toBeGreaterThanOrEqual(9);
    expect(frames.length).toBeLessThanOrEqual(12);
    expect(views).toEqual([VIEW_UPDATE_MS]);
  });

  it('publishes everything at once when the run ends, leaving nothing scheduled', () => {
    const { host, advance, now } = simulatedHost();
    const published: Array<[number, boolean]> = [];
    const clock = new RedrawClock((withViews) => published.push([now(), withViews]), host);
    clock.changed(true);
    advance(20);
    clock.changed(true);
    advance(10);
    clock.changed(false); // the run ended
    expect(published.at(-1)).toEqual([30, true]);
    const count = published.length;
    advance(2000);
    expect(published.length).toBe(count);
  });

  it('draws the next run’s first change in the next frame, even right after the last run’s frame', () => {
    const { host, advance, now } = simulatedHost();
    const frames: number[] = [];
    const clock = new RedrawClock((withViews) => withViews || frames.push(now()), host);
    clock.changed(true);
    advance(20); // a frame at 16
    expect(frames).toEqual([16]);
    clock.changed(false); // the run ended at 20
    clock.changed(true); // the next one starts at once
    advance(16);
    expect(frames).toEqual([16, 32]);
  });

  it('draws a run’s first new token in the next frame, though the prompt was drawn just before', () => {
    const { host, advance, now } = simulatedHost();
    const frames: number[] = [];
    const clock = new RedrawClock((withViews) => withViews || frames.push(now()), host);
    clock.changed(true); // the run begins: its prompt
    advance(30); // drawn at 16
    clock.changed(true, true); // the first new token at 30
    advance(16);
    expect(frames).toEqual([16, 32]);
    // Later tokens wait their turn again.
    clock.changed(true);
    advance(50);
    expect(frames).toEqual([16, 32]);
    advance(100);
    expect(frames.at(-1)).toBeGreaterThanOrEqual(32 + LIVE_FRAME_MS);
  });
});
