import { describe, expect, it } from 'vitest';
import { gpt2FlowChart } from '../../src/flow/chart';
import { buildTimeline, frameOfLayer, frameOfStep } from '../../src/flow/timeline';
import { Playback } from '../../src/flow/playback.svelte';

const chart = gpt2FlowChart({ nLayer: 4, nHead: 4 });

describe('flow timeline', () => {
  it('visits the boxes in program order', () => {
    const frames = buildTimeline(chart, 1);
    const order = frames.map((f) => f.node);
    expect(order.slice(0, 6)).toEqual(['start', 'input', 'tokenize', 'embed', 'posEmbed', 'residual']);
    expect(order.slice(6, 18)).toEqual([
      'ln1',
      'qkv',
      'scores',
      'mask',
      'softmax',
      'weightedSum',
      'outProj',
      'residAdd1',
      'ln2',
      'mlp',
      'residAdd2',
      'moreLayers',
    ]);
    expect(order.slice(-9)).toEqual(['lnFinal', 'unembed', 'temperature', 'filter', 'probabilities', 'sample', 'append', 'done', 'end']);
  });

  it('loops exactly N layers per token and once per generated token', () => {
    const frames = buildTimeline(chart, 3);
    for (let step = 0; step < 3; step++) {
      const layers = frames.filter((f) => f.step === step && f.node === 'moreLayers').map((f) => f.layer);
      expect(layers).toEqual([0, 1, 2, 3]);
      expect(frames.filter((f) => f.step === step && f.node === 'sample')).toHaveLength(1);
    }
    expect(frames.filter((f) => f.node === 'tokenize')).toHaveLength(1);
    expect(frames.filter((f) => f.node === 'done')).toHaveLength(3);
    expect(frames.at(-1)!.node).toBe('end');
  });

  it('finds the first frame of a layer and of a step', () => {
    const frames = buildTimeline(chart, 2);
    expect(frames[frameOfLayer(frames, 1, 2)]).toEqual({ node: 'ln1', layer: 2, step: 1 });
    expect(frames[frameOfStep(frames, 1)]).toEqual({ node: 'embed', layer: null, step: 1 });
  });

  it('adapts to the model: the loop has the model’s real number of layers', () => {
    const frames = buildTimeline(gpt2FlowChart({ nLayer: 12, nHead: 12 }), 1);
    expect(frames.filter((f) => f.node === 'moreLayers')).toHaveLength(12);
  });
});

describe('playback', () => {
  it('stepping back then forward returns to the same state', () => {
    const playback = new Playback(buildTimeline(chart, 2));
    for (let i = 0; i < 17; i++) playback.forward();
    const here = playback.frame;
    const index = playback.index;
    playback.back();
    playback.back();
    playback.forward();
    playback.forward();
    expect(playback.index).toBe(index);
    expect(playback.frame).toEqual(here);
  });

  it('stops at both ends, restarts, and jumps', () => {
    const playback = new Playback(buildTimeline(chart, 2));
    playback.back();
    expect(playback.index).toBe(0);
    playback.jumpToLayer(3);
    expect(playback.frame).toEqual({ node: 'ln1', layer: 3, step: 0 });
    playback.jumpToStep(1);
    expect(playback.frame).toEqual({ node: 'embed', layer: null, step: 1 });
    playback.toEnd();
    expect(playback.frame.node).toBe('end');
    playback.forward();
    expect(playback.frame.node).toBe('end');
    playback.restart();
    expect(playback.index).toBe(0);
  });
});

describe('overview pace', () => {
  it('plays the first token’s first layer box by box, then each further layer and each further token as one step', () => {
    const frames = buildTimeline(chart, 24);
    const playback = new Playback(frames);
    playback.pace = 'overview';
    const visited = [playback.frame];
    while (!playback.atEnd) {
      playback.forward();
      visited.push(playback.frame);
    }
    // Input (3) + embeddings (3) + layer 1 in full (12) + layers 2–4 (one step each) + the output (8), then 23 tokens.
    expect(visited).toHaveLength(3 + 3 + 12 + 3 + 8 + 23 + 1);
    expect(frames.length).toBeGreaterThan(1000);
    expect(visited.filter((f) => f.step === 0 && f.layer === 0)).toHaveLength(12);
    expect(visited.filter((f) => f.step === 0 && f.layer !== null && f.layer > 0).map((f) => [f.node, f.layer])).toEqual([
      ['moreLayers', 1],
      ['moreLayers', 2],
      ['moreLayers', 3],
    ]);
    expect(visited.filter((f) => f.step > 0).map((f) => f.node)).toEqual([...Array(23).fill('sample'), 'end']);
    expect(visited.filter((f) => f.step > 0 && f.node === 'sample').map((f) => f.step)).toEqual(
      Array.from({ length: 23 }, (_, i) => i + 1),
    );
    expect(playback.position).toEqual({ index: visited.length - 1, count: visited.length });
  });

  it('steps back through the same stops, and a jump still reaches any box', () => {
    const playback = new Playback(buildTimeline(chart, 3));
    playback.pace = 'overview';
    for (let i = 0; i < 30; i++) playback.forward();
    const here = playback.index;
    playback.forward();
    playback.back();
    expect(playback.index).toBe(here);
    playback.jumpToStep(2);
    expect(playback.frame).toEqual({ node: 'embed', layer: null, step: 2 });
    playback.jumpToLayer(2);
    expect(playback.frame).toEqual({ node: 'ln1', layer: 2, step: 2 });
    // From a box between stops, forward goes to the next stop: this token's draw.
    playback.forward();
    expect(playback.frame).toEqual({ node: 'sample', layer: null, step: 2 });
    playback.pace = 'every';
    playback.jumpToLayer(2);
    playback.forward();
    expect(playback.frame).toEqual({ node: 'qkv', layer: 2, step: 2 });
  });
});

describe('overview after a watched run', () => {
  it('a learner who watched a run to its end sees the next run’s first pass briefly: the input, a step per layer, the draw', () => {
    const playback = new Playback(buildTimeline(chart, 3));
    playback.pace = 'overview';
    const count = () => playback.position.count;
    const first = count();
    while (!playback.atEnd) playback.forward();
    expect(playback.watched).toBe(true);
    playback.setFrames(buildTimeline(chart, 3), 0);
    const visited = [playback.frame.node];
    while (!playback.atEnd) {
      playback.forward();
      visited.push(playback.frame.node);
    }
    expect(visited).toEqual([
      'start',
      'input',
      'tokenize',
      'moreLayers',
      'moreLayers',
      'moreLayers',
      'moreLayers',
      'sample',
      'sample',
      'sample',
      'end',
    ]);
    expect(count()).toBe(visited.length);
    expect(first).toBe(3 + 3 + 12 + 3 + 8 + 2 + 1);
  });

  it('knows when its next stop is End, where the player waits while the run grows', () => {
    const playback = new Playback(buildTimeline(chart, 2));
    playback.pace = 'overview';
    while (!playback.nextIsLast) playback.forward();
    expect(playback.frame).toMatchObject({ node: 'sample', step: 1 });
    expect(playback.watched).toBe(false);
  });
});
