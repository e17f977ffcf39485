// The Llama-architecture embedded model through the engine in Node: every capture point, grouped-query K/V, RoPE
// (with the base θ read from config.json).
import { describe, expect, it } from 'vitest';
import { TraceRecorder, assembled, computedPositions } from '../../src/engine/trace';
import { logitLens } from '../../src/engine/lens';
import { loadEngine, maxAbsDifference } from './helpers';

describe('flow-llama-tiny in the engine', async () => {
  const { config, probed, tokenizer, generator } = await loadEngine('flow-llama-tiny');

  it('reads the Llama config: fewer key/value heads than query heads', () => {
    expect(config.architecture).toBe('llama');
    expect(config.nKvHead).toBeLessThan(config.nHead);
  });

  it('finds every capture point, Llama’s own included, and none GPT-2 has but Llama lacks', () => {
    const hooks = probed.points.map((p) => p.hook);
    expect(hooks).toHaveLength(3 + 19 * config.nLayer);
    expect(hooks).toContain('blocks.0.attn.hook_rot_q');
    expect(hooks).toContain('blocks.0.mlp.hook_pre_linear');
    expect(hooks).not.toContain('hook_pos_embed');
    expect(probed.lens?.norm).toBe('rmsnorm');
  });

  it('records K and V once per key/value head, the residual additions, and a logit lens that reproduces the output', async () => {
    const ids = tokenizer.encode('Lily had a red ball. She');
    const recorder = new TraceRecorder({
      modelName: 'flow-llama-tiny',
      config,
      points: probed.points,
      backend: 'wasm',
      fallbackReason: 'forced',
      settings: { temperature: 0, topK: 0, topP: 1 },
      seed: 1,
      prompt: '',
      truncatedTokens: 0,
      promptLength: ids.length,
      tokens: tokenizer.describe(ids),
    });
    generator.reset();
    await generator.generate(
      { ids, maxNewTokens: 3, settings: { temperature: 0, topK: 0, topP: 1 }, rngState: 1 },
      (event) => {
        if (event.type === 'forward') recorder.addForward(event.record);
        else
          recorder.addStep(
            {
              position: event.position,
              decision: event.decision,
              token: tokenizer.describe([event.decision.chosenId])[0]!,
              candidateTokens: [],
            },
            event.rngState,
          );
      },
      () => false,
    );
    const trace = recorder.snapshot();
    const n = computedPositions(trace);
    expect(assembled(trace, 'blocks.0.attn.hook_k').dims).toEqual([n, config.nKvHead, config.dHead]);
    expect(assembled(trace, 'blocks.0.attn.hook_rot_q').dims).toEqual([n, config.nHead, config.dHead]);
    const get = (hook: string) => assembled(trace, hook).data;
    for (let layer = 0; layer < config.nLayer; layer++) {
      const pre = get(`blocks.${layer}.hook_resid_pre`);
      const mid = get(`blocks.${layer}.hook_resid_mid`);
      expect(
        maxAbsDifference(
          pre.map((v, i) => v + get(`blocks.${layer}.hook_attn_out`)[i]!),
          mid,
        ),
      ).toBeLessThan(1e-5);
      // SwiGLU: post = SiLU(gate) · up
      const gate = get(`blocks.${layer}.mlp.hook_pre`);
      const up = get(`blocks.${layer}.mlp.hook_pre_linear`);
      const silu = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
      expect(maxAbsDifference(silu, get(`blocks.${layer}.mlp.hook_post`))).toBeLessThan(1e-4);
    }
    for (let p = 0; p < n; p++) {
      const lens = logitLens(trace.rows[`blocks.${config.nLayer - 1}.hook_resid_post`]![p]!, probed.lens!);
      expect(maxAbsDifference(lens, trace.rows['logits']![p]!)).toBeLessThan(1e-3);
    }
    // The RoPE box's formula with the base θ from config.json: pair (i, i + d_head/2) of the vector at position t
    // turned by t·θ_i, θ_i = θ^(−2i/d_head), turns the captured Q and K into the captured rotated Q and K.
    expect(config.ropeTheta).toBeGreaterThan(1);
    for (let layer = 0; layer < config.nLayer; layer++) {
      for (const [plain, rotated] of [
        ['hook_q', 'hook_rot_q'],
        ['hook_k', 'hook_rot_k'],
      ] as const) {
        for (let p = 0; p < n; p++) {
          const before = trace.rows[`blocks.${layer}.attn.${plain}`]![p]!;
          expect(
            maxAbsDifference(rope(before, p, config.dHead, config.ropeTheta!), trace.rows[`blocks.${layer}.attn.${rotated}`]![p]!),
          ).toBeLessThan(1e-4);
        }
      }
    }
  });
});

/** RoPE as the formula shown in the RoPE box writes it, applied to every head of one position's row. */
function rope(row: Float32Array, position: number, dHead: number, theta: number): Float32Array {
  const out = new Float32Array(row.length);
  const half = dHead / 2;
  for (let head = 0; head * dHead < row.length; head++) {
    const base = head * dHead;
    for (let i = 0; i < half; i++) {
      const angle = position * theta ** ((-2 * i) / dHead);
      const [a, b] = [row[base + i]!, row[base + i + half]!];
      out[base + i] = a * Math.cos(angle) - b * Math.sin(angle);
      out[base + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
    }
  }
  return out;
}
