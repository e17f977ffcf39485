// Two architectures side by side (src/flow/architectureDiff.ts, alignedFrame in src/flow/timeline.ts): the topics two
// models differ on come from their configs, each side says its own variant, and the chart beside follows the app's
// box by box.
import { describe, expect, it } from 'vitest';
import { architectureDifferences, differingNodes } from '../../src/flow/architectureDiff';
import { flowChartFor, programRank } from '../../src/flow/chart';
import { alignedFrame, buildTimeline } from '../../src/flow/timeline';
import type { ModelConfig } from '../../src/engine/models/config';

type Shape = Pick<ModelConfig, 'architecture' | 'nHead' | 'nKvHead' | 'tieWordEmbeddings' | 'nLayer'>;
const gpt2: Shape = { architecture: 'gpt2', nHead: 4, nKvHead: 4, tieWordEmbeddings: true, nLayer: 6 };
const llama: Shape = { architecture: 'llama', nHead: 4, nKvHead: 2, tieWordEmbeddings: true, nLayer: 6 };
const qwen3: Shape = { architecture: 'qwen3', nHead: 16, nKvHead: 8, tieWordEmbeddings: true, nLayer: 28 };
const qwen2: Shape = { architecture: 'qwen2', nHead: 14, nKvHead: 2, tieWordEmbeddings: false, nLayer: 24 };

describe('what two architectures do differently', () => {
  it('GPT-2 beside Llama: positions, norms, Q/K/V, heads, the MLP and biases; not QK-norm or the unembedding', () => {
    const differences = architectureDifferences(gpt2, llama);
    expect(differences.map((d) => d.topic)).toEqual(['position', 'norm', 'projection', 'heads', 'mlp', 'biases']);
    const heads = differences.find((d) => d.topic === 'heads')!;
    expect(heads.sides[0]).toEqual({ variant: 'all', params: { heads: 4 } });
    expect(heads.sides[1]).toEqual({ variant: 'grouped', params: { heads: 4, kvHeads: 2, share: 2 } });
    expect(differences.find((d) => d.topic === 'position')!.sides.map((side) => side.variant)).toEqual(['learned', 'rope']);
    expect(differences.find((d) => d.topic === 'biases')!.sides.map((side) => side.variant)).toEqual(['everywhere', 'none']);
  });

  it('Llama beside Qwen3: QK-norm only (grouped heads of other sizes are the same architecture); Qwen2 beside Qwen3: QK-norm, biases, the unembedding', () => {
    expect(architectureDifferences(llama, qwen3).map((d) => d.topic)).toEqual(['qkNorm']);
    expect(architectureDifferences(qwen2, qwen3).map((d) => d.topic)).toEqual(['qkNorm', 'biases', 'unembedding']);
    // Biases: only the boxes where one adds one and the other does not.
    expect(architectureDifferences(qwen2, llama).find((d) => d.topic === 'biases')!.nodes).toEqual(['qkv']);
    expect(architectureDifferences(gpt2, qwen2).find((d) => d.topic === 'biases')!.nodes).toEqual(['outProj', 'mlp']);
    expect(
      architectureDifferences(qwen2, qwen3)
        .find((d) => d.topic === 'biases')!
        .sides.map((side) => side.variant),
    ).toEqual(['qkv', 'none']);
  });

  it('a model beside itself differs nowhere', () => {
    const shallow: Shape = { ...llama, nLayer: 2 };
    expect(architectureDifferences(llama, shallow)).toEqual([]);
  });

  it('marks only the boxes a chart has: GPT-2 its position table, Llama its RoPE', () => {
    const differences = architectureDifferences(gpt2, llama);
    const ids = (shape: Shape) => flowChartFor(shape).nodes.map((node) => node.id);
    const left = differingNodes(differences, ids(gpt2));
    const right = differingNodes(differences, ids(llama));
    expect(left).toContain('posEmbed');
    expect(left).not.toContain('rope');
    expect(right).toContain('rope');
    expect(right).not.toContain('posEmbed');
    for (const id of ['ln1', 'qkv', 'mlp', 'ln2', 'lnFinal', 'outProj']) {
      expect(left).toContain(id);
      expect(right).toContain(id);
    }
    expect(left).not.toContain('softmax');
  });
});

describe('the chart beside follows the app’s', () => {
  const frames = (shape: Shape, steps: number) => buildTimeline(flowChartFor(shape), steps);
  const a = frames(gpt2, 3);
  const b = frames(llama, 3);

  it('the same box at the same step and layer', () => {
    for (const target of a.filter((frame) => frame.node !== 'posEmbed')) {
      const found = b[alignedFrame(b, target, programRank)]!;
      if (target.node === 'end') expect(found.node).toBe('end');
      else expect(found).toEqual(target);
    }
  });

  it('a box the other has not: the box before it in the program (GPT-2’s position table → the token embedding; Llama’s RoPE → Q, K, V)', () => {
    const posEmbed = a.find((frame) => frame.node === 'posEmbed' && frame.step === 1)!;
    expect(b[alignedFrame(b, posEmbed, programRank)]).toEqual({ node: 'embed', layer: null, step: 1 });
    const rope = b.find((frame) => frame.node === 'rope' && frame.layer === 4 && frame.step === 2)!;
    expect(a[alignedFrame(a, rope, programRank)]).toEqual({ node: 'qkv', layer: 4, step: 2 });
  });

  it('a step or a layer the other has not reached: its last', () => {
    const short = frames(llama, 1);
    const late = a.find((frame) => frame.node === 'sample' && frame.step === 2)!;
    expect(short[alignedFrame(short, late, programRank)]).toEqual({ node: 'sample', layer: null, step: 0 });
    const shallow = frames({ ...llama, nLayer: 2 }, 3);
    const deep = a.find((frame) => frame.node === 'mlp' && frame.layer === 5 && frame.step === 0)!;
    expect(shallow[alignedFrame(shallow, deep, programRank)]).toEqual({ node: 'mlp', layer: 1, step: 0 });
  });
});
