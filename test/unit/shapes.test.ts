// Every shape on screen names its axes, in the page's language; the chart's label keeps the sizes alone.
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n/index.svelte';
import { formatShape } from '../../src/i18n/shapes';
import { captureShape, dim, shape, stepSpan, type TensorShape } from '../../src/flow/nodes';
import { liveValues } from '../../src/flow/liveValues';
import type { Trace } from '../../src/engine/trace';

const en = translator('en');
const zh = translator('zh-CN');

describe('shapes with axis names', () => {
  it('names every axis in English and in Chinese, with the singular where a size is 1', () => {
    const heads = shape(dim(4, 'heads'), dim(7, 'positions'), dim(40, 'dims'));
    expect(formatShape(heads, en)).toBe('[4 heads × 7 positions × 40 dims]');
    expect(formatShape(heads, zh)).toBe('[4 个头 × 7 个位置 × 40 维]');
    const one = shape(dim(1, 'positions'), dim(160, 'dims'));
    expect(formatShape(one, en)).toBe('[1 position × 160 dims]');
    expect(formatShape(one, zh)).toBe('[1 个位置 × 160 维]');
    const pattern = shape(dim(4, 'heads'), dim(7, 'queries'), dim(7, 'keys'));
    expect(formatShape(pattern, en)).toBe('[4 heads × 7 queries × 7 keys]');
    expect(formatShape(pattern, zh)).toBe('[4 个头 × 7 个查询 × 7 个键]');
    expect(formatShape(shape(dim(8192, 'vocab')), en)).toBe('[8192 vocabulary tokens]');
    expect(formatShape(shape(dim(8192, 'vocab')), zh)).toBe('[词表中的 8192 个词元]');
    expect(formatShape(shape(dim(7, 'positions'), dim(640, 'neurons')), zh)).toBe('[7 个位置 × 640 个神经元]');
  });

  it('writes multipliers before the brackets and adds terms: Q, K, V under grouped-query attention; the KV cache', () => {
    const gqa: TensorShape = [
      { times: [], dims: [dim(7, 'positions'), dim(8, 'heads'), dim(16, 'dims')] },
      { times: [dim(2, 'count')], dims: [dim(7, 'positions'), dim(2, 'heads'), dim(16, 'dims')] },
    ];
    expect(formatShape(gqa, en)).toBe('[7 positions × 8 heads × 16 dims] + 2 × [7 positions × 2 heads × 16 dims]');
    expect(formatShape(gqa, en, 'compact')).toBe('[7×8×16] + 2×[7×2×16]');
    const cache: TensorShape = [
      { times: [dim(2, 'count'), dim(4, 'layers')], dims: [dim(4, 'heads'), dim(27, 'positions'), dim(40, 'dims')] },
    ];
    expect(formatShape(cache, en)).toBe('2 × 4 layers × [4 heads × 27 positions × 40 dims]');
    expect(formatShape(cache, zh)).toBe('2 × 4 层 × [4 个头 × 27 个位置 × 40 维]');
  });

  it('a capture point’s shape names what its row’s width counts: dims, heads, neurons, the vocabulary; attention’s queries and keys', () => {
    const config = { nHead: 4, nKvHead: 4, dHead: 40, dModel: 160, dMlp: 640, vocabSize: 8192, nLayer: 4 };
    const row = (width: number) => [new Float32Array(width), new Float32Array(width), new Float32Array(width)];
    const trace = {
      config,
      promptLength: 3,
      points: [
        { hook: 'hook_embed', layout: 'tokens' },
        { hook: 'blocks.0.attn.hook_q', layout: 'tokenHeads' },
        { hook: 'blocks.0.attn.hook_pattern', layout: 'attention' },
        { hook: 'blocks.0.mlp.hook_post', layout: 'tokens' },
        { hook: 'logits', layout: 'tokens' },
      ],
      rows: {
        hook_embed: row(160),
        'blocks.0.attn.hook_q': row(160),
        'blocks.0.attn.hook_pattern': row(12),
        'blocks.0.mlp.hook_post': row(640),
        logits: row(8192),
      },
      steps: [{ position: 2 }],
    } as unknown as Trace;
    const span = stepSpan(trace, 0)!;
    const written = (hook: string) => formatShape(captureShape(trace, hook, span), en);
    expect(written('hook_embed')).toBe('[3 positions × 160 dims]');
    expect(written('blocks.0.attn.hook_q')).toBe('[3 positions × 4 heads × 40 dims]');
    expect(written('blocks.0.attn.hook_pattern')).toBe('[4 heads × 3 queries × 3 keys]');
    expect(written('blocks.0.mlp.hook_post')).toBe('[3 positions × 640 neurons]');
    expect(written('logits')).toBe('[3 positions × 8192 vocabulary tokens]');
  });

  it('the chart’s label is short, its tooltip names the axes in the page’s language', () => {
    const trace = {
      config: { nHead: 4, nKvHead: 4, dHead: 40, dModel: 160, dMlp: 640, vocabSize: 8192, nLayer: 4, architecture: 'gpt2' },
      promptLength: 3,
      tokens: [],
      points: [],
      rows: { hook_embed: [new Float32Array(160), new Float32Array(160), new Float32Array(160)] },
      steps: [{ position: 2, decision: { candidates: [], chosenId: 0 }, candidateTokens: [] }],
    } as unknown as Trace;
    const frame = { node: 'embed' as const, layer: null, step: 0 };
    expect(liveValues(trace, frame, 0, String, null, en)).toMatchObject({ shape: '[3×160]', title: 'Shape: [3 positions × 160 dims]' });
    expect(liveValues(trace, frame, 0, String, null, zh)).toMatchObject({ shape: '[3×160]', title: '形状：[3 个位置 × 160 维]' });
  });
});
