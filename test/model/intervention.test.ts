// Switching heads and MLPs off through the graph's scale inputs, against transformers with the same parts zeroed
// (tools/model/intervention_reference.py), and against what the formulas say the residual stream must hold.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadLocalFolder } from '../../src/engine/models/folder';
import { probe } from '../../src/engine/probe';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import type { Intervention } from '../../src/engine/probe/intervention';
import { rankHeads } from '../../src/engine/interventions';
import { meanOfHead } from '../../src/engine/compare';
import { differenceTrace } from '../../src/engine/difference';
import { TraceRecorder, computedPositions, rowLayout, type ForwardRecord, type Trace } from '../../src/engine/trace';
import { EngineError } from '../../src/engine/errors';
import { maxAbsDifference } from './helpers';
import { openModelFiles, type OpenModel } from './openModels';

interface Case {
  model: OpenModel;
  switchedOff: Intervention;
  input_ids: number[];
  logitIds: number[];
  logits: string;
  plainLogits: string;
  residPost: string;
}

const floats = (base64: string) => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const REFERENCE: { cases: Case[] } = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/intervention.reference.json'), 'utf8'));

async function engine(model: OpenModel) {
  const folder = await loadLocalFolder(openModelFiles(model), model);
  const probed = probe(folder.graph.bytes, folder.graph.file, folder.config, folder.graph.externalData);
  const session = await ModelSession.create(probed.bytes, 'wasm', 'forced', folder.graph.externalData);
  return { config: folder.config, points: probed.points, generator: new Generator({ session, probed }, null, folder.config) };
}

/** The last position's row of a hook. */
const last = (record: ForwardRecord, hook: string) => {
  const { data } = record.tensors[hook]!;
  const size = data.length / record.count;
  return data.subarray((record.count - 1) * size);
};
const row = (record: ForwardRecord, hook: string, position: number) => {
  const { data } = record.tensors[hook]!;
  const size = data.length / record.count;
  return data.subarray(position * size, (position + 1) * size);
};

describe.each(['gpt2-tiny', 'llama3-tiny'] as const)('%s: switching heads and MLPs off', async (model) => {
  const { config, points, generator } = await engine(model);
  const cases = REFERENCE.cases.filter((c) => c.model === model);

  /** A case's name: what is switched off, and which heads are replaced by their mean (not the means themselves). */
  const named = (c: Case) => JSON.stringify({ ...c.switchedOff, means: c.switchedOff.means && Object.keys(c.switchedOff.means) });
  it.each(cases.map((c) => [named(c), c] as const))('%s: the logits and the residual stream equal transformers’', async (_, c) => {
    generator.intervene(null);
    const plain = (await generator.forward(c.input_ids)).record;
    generator.intervene(c.switchedOff);
    const { record } = await generator.forward(c.input_ids);
    generator.intervene(null);
    const pick = (logits: Float32Array) => c.logitIds.map((id) => logits[id]!);
    expect(maxAbsDifference(pick(last(plain, 'logits')), floats(c.plainLogits))).toBeLessThan(1e-4);
    expect(maxAbsDifference(pick(last(record, 'logits')), floats(c.logits))).toBeLessThan(1e-4);
    // The intervention changed something the test can see (the reference's cases all move a logit by > 0.9).
    expect(maxAbsDifference(pick(last(record, 'logits')), pick(last(plain, 'logits')))).toBeGreaterThan(0.9);
    expect(maxAbsDifference(last(record, `blocks.${config.nLayer - 1}.hook_resid_post`), floats(c.residPost))).toBeLessThan(1e-4);
  });

  it('a run set aside while another uses the sessions continues from its own cache, with its own parts switched off', async () => {
    const { input_ids: ids, switchedOff } = cases[0]!;
    // Straight through: the prompt, then one more position from the cache.
    generator.intervene(switchedOff);
    await generator.forward(ids.slice(0, -1));
    const straight = (await generator.forward(ids)).record;
    expect(straight.ran).toBe(1);
    // Set aside after the prompt while another run (nothing off, other tokens) uses the sessions, then resumed.
    generator.intervene(switchedOff);
    await generator.forward(ids.slice(0, -1));
    const parked = generator.park();
    const other = (await generator.forward([...ids].reverse())).record;
    expect(other.ran).toBe(ids.length);
    generator.resume(parked);
    const resumed = (await generator.forward(ids)).record;
    expect(resumed.ran).toBe(1);
    expect(maxAbsDifference(last(resumed, 'logits'), last(straight, 'logits'))).toBeLessThan(1e-6);
    // Its switched-off parts came back with it: these are not the logits with everything on.
    generator.intervene(null);
    const plain = (await generator.forward(ids)).record;
    expect(maxAbsDifference(last(resumed, 'logits'), last(plain, 'logits'))).toBeGreaterThan(0.9);
  });

  it('a switched-off head’s z is zero, the others are untouched, and the residual adds the attention output', async () => {
    const ids = cases[0]!.input_ids;
    generator.intervene(null);
    const plain = (await generator.forward(ids)).record;
    generator.intervene({ heads: ['1.1'], mlps: [] });
    const { record } = await generator.forward(ids);
    generator.intervene(null);
    const { dHead, nHead } = config;
    for (let p = 0; p < ids.length; p++) {
      const z = row(record, 'blocks.1.attn.hook_z', p);
      const before = row(plain, 'blocks.1.attn.hook_z', p);
      for (let h = 0; h < nHead; h++) {
        const head = z.subarray(h * dHead, (h + 1) * dHead);
        if (h === 1) expect(Math.max(...head.map(Math.abs))).toBe(0);
        else expect(maxAbsDifference(head, before.subarray(h * dHead, (h + 1) * dHead))).toBe(0);
      }
      // Layer 0 ran before the intervention: bit for bit the same.
      expect(maxAbsDifference(row(record, 'blocks.0.hook_resid_post', p), row(plain, 'blocks.0.hook_resid_post', p))).toBe(0);
      // resid_mid = resid_pre + attn_out, as the formula says.
      const pre = row(record, 'blocks.1.hook_resid_pre', p);
      const out = row(record, 'blocks.1.hook_attn_out', p);
      const mid = row(record, 'blocks.1.hook_resid_mid', p);
      expect(
        maxAbsDifference(
          mid,
          pre.map((x, i) => x + out[i]!),
        ),
      ).toBeLessThan(1e-5);
      expect(maxAbsDifference(out, row(plain, 'blocks.1.hook_attn_out', p))).toBeGreaterThan(1e-3);
    }
  });

  const meanCases = cases.filter((c) => c.switchedOff.means);
  it.each(meanCases.map((c) => [JSON.stringify(c.switchedOff.heads), c] as const))(
    'mean ablation %s: transformers’ mean is the app’s, the head’s z is that mean at every position, and it is not zero ablation',
    async (_, c) => {
      const ids = c.input_ids;
      const { dHead } = config;
      generator.intervene(null);
      const plain = (await generator.forward(ids)).record;
      const positions = (record: ForwardRecord, hook: string) => Array.from({ length: ids.length }, (_, p) => row(record, hook, p));
      for (const [key, mean] of Object.entries(c.switchedOff.means!)) {
        const [layer, head] = key.split('.').map(Number) as [number, number];
        // The mean the app computes from its own unchanged run (what the What if tab feeds) is transformers'.
        expect(maxAbsDifference(meanOfHead(positions(plain, `blocks.${layer}.attn.hook_z`), head, dHead), mean)).toBeLessThan(1e-5);
      }
      generator.intervene(c.switchedOff);
      const { record } = await generator.forward(ids);
      generator.intervene({ heads: c.switchedOff.heads, mlps: c.switchedOff.mlps });
      const zeroed = (await generator.forward(ids)).record;
      generator.intervene(null);
      for (const key of c.switchedOff.heads) {
        const [layer, head] = key.split('.').map(Number) as [number, number];
        const expected = c.switchedOff.means![key] ?? new Array<number>(dHead).fill(0);
        for (const z of positions(record, `blocks.${layer}.attn.hook_z`))
          expect(maxAbsDifference(z.subarray(head * dHead, (head + 1) * dHead), Float32Array.from(expected))).toBe(0);
      }
      const pick = (logits: Float32Array) => c.logitIds.map((id) => logits[id]!);
      expect(maxAbsDifference(pick(last(record, 'logits')), pick(last(zeroed, 'logits')))).toBeGreaterThan(0.1);
    },
  );

  it('B − A: each hook’s rows are B’s minus A’s at the positions both computed; attention rows keep the keys both scored', async () => {
    const ids = cases[0]!.input_ids;
    const traceOf = async (intervention: Intervention | null, sequence: number[]): Promise<Trace> => {
      const recorder = new TraceRecorder({
        modelName: model,
        config,
        points,
        backend: 'wasm',
        fallbackReason: 'forced',
        settings: { temperature: 0, topK: 0, topP: 1 },
        seed: 1,
        prompt: '',
        truncatedTokens: 0,
        promptLength: sequence.length,
        tokens: [],
      });
      generator.intervene(intervention);
      recorder.addForward((await generator.forward(sequence)).record);
      generator.intervene(null);
      return recorder.snapshot();
    };
    const a = await traceOf(null, ids);
    // B reads one token more: its attention rows score one key more than A's at every position.
    const b = await traceOf({ heads: ['1.1'], mlps: [] }, [...ids, ids[0]!]);
    const difference = differenceTrace(a, b);
    expect(computedPositions(difference)).toBe(ids.length);
    let compared = 0;
    for (const point of points) {
      const attention = rowLayout(point.layout) === 'attention';
      for (let p = 0; p < ids.length; p++) {
        const x = a.rows[point.hook]![p]!;
        const y = b.rows[point.hook]![p]!;
        const d = difference.rows[point.hook]![p]!;
        expect(d.length, point.hook).toBe(x.length);
        const widthA = x.length / config.nHead;
        const widthB = y.length / config.nHead;
        for (let i = 0; i < d.length; i++) {
          // Attention: head h, key k of A's row against the same head and key of B's (wider) row.
          const j = attention ? Math.floor(i / widthA) * widthB + (i % widthA) : i;
          expect(d[i], `${point.hook} [${p}][${i}]`).toBe(x[i] === y[j] ? 0 : Math.fround(y[j]! - x[i]!));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
    // Head 2 of layer 2 is zero in B: its B − A is minus A's z there.
    const { dHead } = config;
    const z = difference.rows['blocks.1.attn.hook_z']![0]!.subarray(dHead, 2 * dHead);
    expect(Array.from(z)).toEqual(Array.from(a.rows['blocks.1.attn.hook_z']![0]!.subarray(dHead, 2 * dHead), (v) => (v === 0 ? 0 : -v)));
    expect(Math.max(...z.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('a switched-off MLP adds nothing to the residual stream', async () => {
    const ids = cases[0]!.input_ids;
    generator.intervene({ heads: [], mlps: [0] });
    const { record } = await generator.forward(ids);
    generator.intervene(null);
    for (let p = 0; p < ids.length; p++) {
      expect(Math.max(...row(record, 'blocks.0.hook_mlp_out', p).map(Math.abs))).toBe(0);
      expect(maxAbsDifference(row(record, 'blocks.0.hook_resid_post', p), row(record, 'blocks.0.hook_resid_mid', p))).toBe(0);
    }
  });

  it('every head of a layer switched off equals removing that layer’s attention output (bias aside)', async () => {
    const ids = cases[0]!.input_ids;
    generator.intervene({ heads: Array.from({ length: config.nHead }, (_, h) => `0.${h}`), mlps: [] });
    const { record } = await generator.forward(ids);
    generator.intervene(null);
    // With every z zero, the output projection leaves only its bias (GPT-2's c_proj.bias; Llama's o_proj has none):
    // the same vector at every position, and exactly zero for Llama.
    const first = row(record, 'blocks.0.hook_attn_out', 0);
    for (let p = 0; p < ids.length; p++) {
      const out = row(record, 'blocks.0.hook_attn_out', p);
      expect(maxAbsDifference(out, first)).toBe(0);
      if (model === 'llama3-tiny') {
        expect(Math.max(...out.map(Math.abs))).toBe(0);
        expect(maxAbsDifference(row(record, 'blocks.0.hook_resid_mid', p), row(record, 'blocks.0.hook_resid_pre', p))).toBe(0);
      }
    }
  });

  it('a forked run with nothing switched off equals the original exactly', async () => {
    const ids = cases[0]!.input_ids;
    generator.intervene(null);
    const a = (await generator.forward(ids)).record;
    generator.intervene({ heads: ['0.0'], mlps: [] });
    await generator.forward(ids);
    generator.intervene(null);
    const b = (await generator.forward(ids)).record;
    for (const hook of Object.keys(a.tensors)) expect(maxAbsDifference(a.tensors[hook]!.data, b.tensors[hook]!.data)).toBe(0);
  });

  it('ranks heads by the drop of a token’s logit, as switching each off alone computes it', async () => {
    const ids = cases[0]!.input_ids;
    generator.intervene(null);
    const base = (await generator.forward(ids)).lastLogits;
    const token = base.reduce((best, value, i) => (value > base[best]! ? i : best), 0);
    const progress: number[] = [];
    const ranking = await rankHeads(generator, config, ids, token, { progress: (done) => progress.push(done) });
    expect(ranking).toHaveLength(config.nLayer * config.nHead);
    expect(progress).toEqual(Array.from({ length: ranking.length }, (_, i) => i + 1));
    for (let i = 1; i < ranking.length; i++) expect(ranking[i - 1]!.drop).toBeGreaterThanOrEqual(ranking[i]!.drop);
    // The first, the last and one in the middle, recomputed here with that head alone switched off.
    for (const effect of [ranking[0]!, ranking[ranking.length - 1]!, ranking[Math.floor(ranking.length / 2)]!]) {
      generator.intervene({ heads: [`${effect.layer}.${effect.head}`], mlps: [] });
      const logit = (await generator.forward(ids)).lastLogits[token]!;
      expect(Math.abs(base[token]! - logit - effect.drop)).toBeLessThan(1e-5);
    }
    generator.intervene(null);
    expect(new Set(ranking.map((e) => e.drop)).size).toBeGreaterThan(1);
  });

  it('a ranking stops when asked, between two heads', async () => {
    let asked = 0;
    const stopped = rankHeads(generator, config, cases[0]!.input_ids, 0, { cancelled: async () => ++asked > 2 });
    await expect(stopped).rejects.toEqual(new EngineError('ranking-cancelled'));
    expect(asked).toBe(3);
  });
});
