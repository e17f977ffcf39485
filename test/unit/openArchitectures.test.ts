// Qwen2 and Qwen3 read from their config.json (the fixtures' scaled-down copies of Qwen2.5-0.5B-Instruct's and
// Qwen3-0.6B's), and the boxes of their flow chart.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../src/engine/models/config';
import { flowChartFor } from '../../src/flow/chart';
import { traitsOf } from '../../src/engine/models/architecture';
import { boxTexts } from '../../src/flow/wording';
import { formulaFor } from '../../src/i18n/formulas';

const config = (model: string) =>
  parseModelConfig(JSON.parse(readFileSync(resolve(__dirname, '../fixtures/hub', model, 'config.json'), 'utf8')));

describe('Qwen configs', () => {
  it('reads model_type qwen2 and qwen3 as Llama-family configs, with rope_theta, tied embeddings and head_dim', () => {
    const qwen2 = config('qwen2-tiny');
    expect(qwen2).toMatchObject({
      architecture: 'qwen2',
      nHead: 2,
      nKvHead: 1,
      dModel: 8,
      dHead: 4,
      ropeTheta: 1_000_000,
      tieWordEmbeddings: true,
      eosTokenId: 151645,
      vocabSize: 151936,
    });
    const qwen3 = config('qwen3-tiny');
    // Qwen3's head_dim (8) is not hidden_size / heads (2), as in Qwen3-0.6B (128 ≠ 1024 / 16).
    expect(qwen3).toMatchObject({ architecture: 'qwen3', nHead: 4, nKvHead: 2, dModel: 8, dHead: 8, ropeTheta: 1_000_000, nCtx: 40960 });
  });

  it('stops at every end token a config lists (Llama 3.2 ends a chat turn with 128008 or 128009 too)', () => {
    const llama3 = config('llama3-tiny');
    expect(llama3.stopTokenIds).toEqual([128001, 128008, 128009]);
    expect(llama3.eosTokenId).toBe(128001);
    expect(config('qwen2-tiny').stopTokenIds).toEqual([151645]);
  });

  it('knows what each family adds to Llama: Q/K/V biases (Qwen2), QK-norm (Qwen3)', () => {
    expect(traitsOf({ architecture: 'qwen2' })).toMatchObject({
      qkvBias: true,
      qkNorm: false,
      norm: 'rmsnorm',
      position: 'rope',
      mlp: 'swiglu',
    });
    expect(traitsOf({ architecture: 'qwen3' })).toMatchObject({ qkvBias: false, qkNorm: true });
  });
});

describe('Qwen flow charts', () => {
  const ids = (model: string) => flowChartFor(config(model)).nodes.map((node) => node.id);

  it('Qwen3 has a QK-norm box between the Q/K/V projections and RoPE, showing the normalised Q and K', () => {
    const nodes = ids('qwen3-tiny');
    expect(nodes.slice(nodes.indexOf('qkv'), nodes.indexOf('qkv') + 3)).toEqual(['qkv', 'qkNorm', 'rope']);
    expect(flowChartFor(config('qwen3-tiny')).nodes.find((node) => node.id === 'qkNorm')!.hooks).toEqual([
      'blocks.{l}.attn.q_norm.hook_normalized',
      'blocks.{l}.attn.k_norm.hook_normalized',
    ]);
  });

  it('Qwen2 has no QK-norm box, and neither has a position-embedding box', () => {
    expect(ids('qwen2-tiny')).not.toContain('qkNorm');
    expect(ids('qwen2-tiny')).not.toContain('posEmbed');
    expect(ids('qwen3-tiny')).not.toContain('posEmbed');
  });

  it('Qwen2’s Q/K/V box explains and writes its biases; Qwen3’s does not', () => {
    const qkv = (model: string) => flowChartFor(config(model)).nodes.find((node) => node.id === 'qkv')!.key;
    expect(boxTexts(qkv('qwen2-tiny'), config('qwen2-tiny')).explain).toContain('flow.explain.qkvBias');
    expect(boxTexts(qkv('qwen3-tiny'), config('qwen3-tiny')).explain).not.toContain('flow.explain.qkvBias');
    expect(formulaFor(qkv('qwen2-tiny'), config('qwen2-tiny'))).toContain('b_{Q}');
    expect(formulaFor(qkv('qwen3-tiny'), config('qwen3-tiny'))).not.toContain('b_{Q}');
  });
});
