// What the B − A attention view says of a head run B switched off, from runs with planted rows: the pattern's
// difference is put down to a changed input only where the runs give a cause (other text, other parts switched off
// before the head, an input that differs by more than rounding), else to rounding.
import { describe, expect, it } from 'vitest';
import { switchedOffPattern } from '../../src/engine/difference';
import type { Trace } from '../../src/engine/trace';
import type { ModelConfig } from '../../src/engine/models/config';
import type { Intervention } from '../../src/engine/probe/intervention';

const config = { architecture: 'gpt2', nLayer: 3, nHead: 2, nKvHead: 2, dModel: 4, dHead: 2, nCtx: 16, vocabSize: 8 } as ModelConfig;
const LAYER = 1;
const HEAD = 0;
const N = 4;
const FLOAT32 = 1e-3;
const POINTS = [
  { hook: `blocks.${LAYER}.attn.hook_pattern`, tensor: 'pattern', layer: LAYER, layout: 'attention' as const },
  { hook: `blocks.${LAYER}.hook_resid_pre`, tensor: 'resid', layer: LAYER, layout: 'tokens' as const },
  { hook: 'logits', tensor: 'logits', layer: null, layout: 'tokens' as const },
];

/** A run of N positions: uniform patterns over the keys so far, a residual stream of row p = [p, 1, −1, 0.5]. */
function run(
  change: {
    intervention?: Intervention | null;
    ids?: number[];
    pattern?: (p: number, h: number, k: number) => number;
    input?: (p: number, i: number) => number;
  } = {},
): Trace {
  const ids = change.ids ?? [1, 2, 3, 4, 5];
  const rows: Record<string, Float32Array[]> = {
    logits: [],
    [`blocks.${LAYER}.attn.hook_pattern`]: [],
    [`blocks.${LAYER}.hook_resid_pre`]: [],
  };
  for (let p = 0; p < N; p++) {
    rows['logits']!.push(new Float32Array(config.vocabSize));
    const pattern = new Float32Array(config.nHead * (p + 1));
    for (let h = 0; h < config.nHead; h++)
      for (let k = 0; k <= p; k++) pattern[h * (p + 1) + k] = 1 / (p + 1) + (change.pattern?.(p, h, k) ?? 0);
    rows[`blocks.${LAYER}.attn.hook_pattern`]!.push(pattern);
    rows[`blocks.${LAYER}.hook_resid_pre`]!.push(Float32Array.from([p, 1, -1, 0.5], (x, i) => x + (change.input?.(p, i) ?? 0)));
  }
  const token = (id: number) => ({ id, piece: `t${id}`, bytes: [97], text: `t${id}`, character: null });
  return {
    runId: 1,
    modelName: 'planted',
    config,
    points: POINTS,
    backend: 'wasm',
    fallbackReason: null,
    settings: { temperature: 1, topK: 0, topP: 1 },
    seed: 1,
    prompt: '',
    truncatedTokens: 0,
    promptLength: 2,
    tokens: ids.map(token),
    rows,
    steps: [],
    stopReason: 'max-tokens',
    intervention: change.intervention ?? null,
    feeding: 'teacher-forced',
    recomputedHooks: [],
  };
}

const off = (more: Partial<Intervention> = {}): Intervention => ({ heads: [`${LAYER}.${HEAD}`], mlps: [], ...more });
/** A few float32 ulps on one cell: what computing the layer in another pass gives. */
const rounded = (p: number, h: number, k: number) => (p === 3 && h === HEAD && k === 1 ? 1e-7 : 0);

describe('a switched-off head’s pattern in B − A', () => {
  const a = run();

  it('is the same where B − A of the head’s pattern is 0, whatever differs in the other heads', () => {
    expect(switchedOffPattern(a, run({ intervention: off() }), LAYER, HEAD, FLOAT32)).toEqual({ kind: 'same', largest: 0 });
    const otherHead = run({ intervention: off(), pattern: (p, h) => (h === 1 && p === 2 ? 0.2 : 0) });
    expect(switchedOffPattern(a, otherHead, LAYER, HEAD, FLOAT32).kind).toBe('same');
  });

  it('is rounding where the runs read the same text, switched off the same parts before the head and fed it the same input', () => {
    const b = run({ intervention: off(), pattern: rounded });
    const found = switchedOffPattern(a, b, LAYER, HEAD, FLOAT32);
    expect(found.kind).toBe('rounding');
    expect(found.largest).toBeGreaterThan(0);
    expect(found.largest).toBeLessThan(2e-7);
    // Parts of the head's own layer and later ones do not reach its input.
    expect(
      switchedOffPattern(
        a,
        run({ intervention: off({ mlps: [LAYER, 2], heads: [`${LAYER}.${HEAD}`, `${LAYER}.1`, '2.0'] }), pattern: rounded }),
        LAYER,
        HEAD,
        FLOAT32,
      ).kind,
    ).toBe('rounding');
    // An input that differs by rounding too (a thousandth of the row's largest value at most, in float32).
    expect(
      switchedOffPattern(
        a,
        run({ intervention: off(), pattern: rounded, input: (p, i) => (p === 3 && i === 0 ? 2e-3 : 0) }),
        LAYER,
        HEAD,
        FLOAT32,
      ).kind,
    ).toBe('rounding');
    // The same earlier part switched off in both runs is no difference between them.
    const both = { heads: ['0.1'], mlps: [0] };
    expect(
      switchedOffPattern(
        run({ intervention: both }),
        run({ intervention: off({ heads: ['0.1', `${LAYER}.${HEAD}`], mlps: [0] }), pattern: rounded }),
        LAYER,
        HEAD,
        FLOAT32,
      ).kind,
    ).toBe('rounding');
  });

  it('is a changed input where B switched off something before the head that A did not', () => {
    expect(switchedOffPattern(a, run({ intervention: off({ mlps: [0] }), pattern: rounded }), LAYER, HEAD, FLOAT32).kind).toBe('changed');
    expect(
      switchedOffPattern(a, run({ intervention: off({ heads: ['0.1', `${LAYER}.${HEAD}`] }), pattern: rounded }), LAYER, HEAD, FLOAT32)
        .kind,
    ).toBe('changed');
    // The same earlier head, replaced by its mean in one run and by zeros in the other.
    const zeros = run({ intervention: { heads: ['0.1'], mlps: [] } });
    const mean = run({ intervention: { heads: ['0.1', `${LAYER}.${HEAD}`], mlps: [], means: { '0.1': [0.5, 0.5] } }, pattern: rounded });
    expect(switchedOffPattern(zeros, mean, LAYER, HEAD, FLOAT32).kind).toBe('changed');
  });

  it('is a changed input where the runs read different text at a position both computed', () => {
    expect(switchedOffPattern(a, run({ intervention: off(), ids: [1, 2, 3, 6, 5], pattern: rounded }), LAYER, HEAD, FLOAT32).kind).toBe(
      'changed',
    );
    // A different token after the last position both computed is read by no row shown.
    expect(switchedOffPattern(a, run({ intervention: off(), ids: [1, 2, 3, 4, 7], pattern: rounded }), LAYER, HEAD, FLOAT32).kind).toBe(
      'rounding',
    );
  });

  it('is a changed input where the layer’s input differs by more than rounding, whatever the cause', () => {
    const b = run({ intervention: off(), pattern: rounded, input: (p, i) => (p === 1 && i === 2 ? 0.01 : 0) });
    expect(switchedOffPattern(a, b, LAYER, HEAD, FLOAT32).kind).toBe('changed');
    // An 8-bit graph's rounding allows a tenth.
    expect(switchedOffPattern(a, b, LAYER, HEAD, 0.1).kind).toBe('rounding');
  });
});
