// The worker's run table (src/engine/runTable.ts) on the embedded model: runs interleaved on one generator keep
// their own KV caches, random states and switched-off parts, so each gives the tokens it gives alone, and going back
// to a run continues from its cache (one position per pass).
import { describe, expect, it } from 'vitest';
import { RunTable, type KeptRun } from '../../src/engine/runTable';
import { FULL_CAPTURE } from '../../src/engine/capturePlan';
import { ExclusiveRequests } from '../../src/engine/exclusive';
import type { GenerateEvent } from '../../src/engine/generate';
import type { ForwardRecord } from '../../src/engine/trace';
import { loadEngine } from './helpers';

// (No end of text before the last token asked for: every run gives its six.)
const SETTINGS = { temperature: 1, topK: 0, topP: 1, minNewTokens: 8 };

describe('the run table', async () => {
  const engine = await loadEngine();
  const start = (prompt: string, seed: number, heads: string[] = []): KeptRun => {
    const ids = engine.tokenizer.encode(prompt);
    return {
      ids,
      promptLength: ids.length,
      recorded: 0,
      rngState: seed,
      settings: SETTINGS,
      intervention: heads.length ? { heads, mlps: [] } : null,
      plan: FULL_CAPTURE,
      forced: null,
      truncation: { dropped: 0, total: ids.length },
    };
  };
  /** Continues run `id` and returns the tokens it fed and how many positions each pass ran. */
  const more = async (table: RunTable, id: number, tokens: number) => {
    const fed: number[] = [];
    const ran: number[] = [];
    await table.continue(
      id,
      tokens,
      SETTINGS,
      (event: GenerateEvent) => {
        if (event.type === 'step') fed.push(event.fed);
        else ran.push(event.record.ran!);
      },
      () => false,
    );
    return { fed, ran };
  };

  it('two runs interleaved give each the tokens it gives alone, and each continues from its own cache', async () => {
    const alone = new RunTable(engine.generator);
    alone.keep(1, null, start('Once upon a time', 7));
    const a = (await more(alone, 1, 6)).fed;
    alone.keep(2, 1, start('Lily had a red ball.', 9, ['1.0']));
    const b = (await more(alone, 2, 6)).fed;
    expect(alone.has(1)).toBe(false); // replaced by run 2

    const table = new RunTable(engine.generator);
    table.keep(11, null, start('Once upon a time', 7));
    table.keep(12, null, start('Lily had a red ball.', 9, ['1.0']));
    const a1 = await more(table, 11, 3);
    const b1 = await more(table, 12, 3);
    const a2 = await more(table, 11, 3);
    const b2 = await more(table, 12, 3);
    expect([...a1.fed, ...a2.fed]).toEqual(a);
    expect([...b1.fed, ...b2.fed]).toEqual(b);
    // Back to a run: its first pass runs only the token fed last, from its own cache.
    expect(a2.ran[0]).toBe(1);
    expect(b2.ran[0]).toBe(1);
    // A run set aside while something else used the generator (a ranking, a recompute) keeps its cache too.
    table.parkActive();
    await engine.generator.forward(engine.tokenizer.encode('Something else entirely'));
    const a3 = await more(table, 11, 1);
    expect(a3.ran[0]).toBe(1);
  });

  it('a lean run’s layer the page lacks is recomputed from the run’s own tokens, switched-off head and kept residual stream, and equals a full capture', async () => {
    const table = new RunTable(engine.generator);
    const records = async (id: number) => {
      const kept: ForwardRecord[] = [];
      await table.continue(
        id,
        4,
        SETTINGS,
        (event: GenerateEvent) => {
          if (event.type === 'forward') kept.push(event.record);
        },
        () => false,
      );
      return kept;
    };
    const lean = await (table.keep(31, null, { ...start('Once upon a time', 7, ['1.0']), plan: { mode: 'lean', layers: [] } }),
    records(31));
    const full = await (table.keep(32, null, start('Once upon a time', 7, ['1.0'])), records(32));
    const hooks = ['blocks.1.attn.hook_z', 'blocks.1.mlp.hook_post'];
    expect(lean.some((record) => hooks.some((hook) => hook in record.tensors))).toBe(false); // not kept as it ran
    const positions = full.reduce((sum, record) => sum + record.count, 0);
    const segmentsBefore = engine.generator.recomputes.segment;
    const needed = await table.need(31, hooks, positions, 0);
    expect(engine.generator.recomputes.segment).toBe(segmentsBefore + 1); // the layer alone, fed the kept stream
    for (const hook of hooks) {
      const expected = full.flatMap((record) => Array.from(record.tensors[hook]!.data));
      const got = Array.from(needed.tensors[hook]!.data);
      expect(got.length).toBe(expected.length);
      expect(Math.max(...got.map((value, i) => Math.abs(value - expected[i]!)))).toBeLessThan(1e-5);
    }
    // Head 1 of layer 2 ('1.0', switched off in this run) reads zeros where it was recomputed; head 2 does not.
    const { dHead } = engine.config;
    const z = needed.tensors['blocks.1.attn.hook_z']!.data;
    expect(Array.from(z.subarray(0, dHead)).every((value) => value === 0)).toBe(true);
    expect(Array.from(z.subarray(dHead, 2 * dHead)).some((value) => value !== 0)).toBe(true);
  });

  it('cut rows are kept once per tensor and within a budget; past it a run’s layer comes from the whole graph, the same numbers', async () => {
    const lean = (prompt: string, seed: number): KeptRun => ({ ...start(prompt, seed), plan: { mode: 'lean', layers: [] } });
    const { nLayer, dModel } = engine.config;
    // GPT-2 keeps its token and position embeddings and each layer's incoming stream: nLayer + 2 rows a position.
    const perPosition = (nLayer + 2) * dModel * 4;
    const open = new RunTable(engine.generator);
    open.keep(61, null, lean('Once upon a time', 7));
    await more(open, 61, 3);
    const positions = engine.tokenizer.encode('Once upon a time').length + 2;
    expect(open.cutBytesOf(61)).toBe(positions * perPosition);
    const hooks = ['blocks.1.attn.hook_z'];
    const fromCut = await open.need(61, hooks, positions, 0);
    // The whole graph when asked for (the KV-cache check), the same numbers.
    const fullBefore = engine.generator.recomputes.full;
    const whole = await open.need(61, hooks, positions, 0, true);
    expect(engine.generator.recomputes.full).toBe(fullBefore + 1);
    const close = (a: ForwardRecord, b: ForwardRecord) =>
      Math.max(...Array.from(a.tensors[hooks[0]!]!.data, (value, i) => Math.abs(value - b.tensors[hooks[0]!]!.data[i]!)));
    expect(close(whole, fromCut)).toBeLessThan(1e-5);
    open.forget(61);

    // A budget of one run's rows: a second run's rows push the first's out, and its layer then comes from the whole graph.
    const tight = new RunTable(engine.generator, positions * perPosition + 1);
    tight.keep(62, null, lean('Once upon a time', 7));
    await more(tight, 62, 3);
    tight.keep(63, null, lean('Once upon a time', 9));
    await more(tight, 63, 3);
    expect(tight.cutBytesOf(62)).toBe(0);
    expect(tight.cutBytesOf(63)).toBeGreaterThan(0);
    const segments = engine.generator.recomputes.segment;
    const dropped = await tight.need(62, hooks, positions, 0);
    expect(engine.generator.recomputes.segment).toBe(segments);
    expect(close(dropped, fromCut)).toBeLessThan(1e-5);
  });

  it('a fork (What if’s B) starts from the run it forks: the same prompt and seed give its tokens; fed, it takes them whatever it switches off; each keeps its own cache', async () => {
    const table = new RunTable(engine.generator);
    const a = start('Once upon a time', 7);
    table.keep(41, null, a);
    const fedA = (await more(table, 41, 5)).fed;
    const fork = (feed: boolean, intervention: KeptRun['intervention']) => ({
      ids: null,
      positions: a.promptLength + 5,
      feed,
      rngState: 7,
      settings: SETTINGS,
      intervention,
      plan: FULL_CAPTURE,
    });
    const same = table.fork(42, null, 41, fork(false, null));
    expect(same.ids).toEqual(a.ids.slice(0, a.promptLength));
    expect((await more(table, 42, 5)).fed).toEqual(fedA);
    // Teacher-forced with a head off: A's tokens are fed, and the run ends when they run out.
    const fed = table.fork(43, 42, 41, fork(true, { heads: ['1.0'], mlps: [] }));
    expect(fed.forced).toEqual(fedA);
    expect(table.has(42)).toBe(false); // replaced by the new B
    const b = await more(table, 43, 10);
    expect(b.fed).toEqual(fedA);
    // A continues from its own cache: one position, and the token it gives alone.
    const alone = new RunTable(engine.generator);
    alone.keep(44, null, start('Once upon a time', 7));
    const sixth = (await more(alone, 44, 6)).fed[5];
    const next = await more(table, 41, 1);
    expect(next.ran[0]).toBe(1);
    expect(next.fed[0]).toBe(sixth);
    // Forking a run the worker does not keep is an error, not another run.
    expect(() => table.fork(45, null, 99, fork(false, null))).toThrow(/not in this worker/);
  });

  it('a cancel stops only the run it names: the other run then gives the tokens it gives alone', async () => {
    const requests = new ExclusiveRequests();
    // (Run alone first: the two tables share the generator, and the second must not find the first's cache there.)
    const alone = new RunTable(engine.generator);
    alone.keep(53, null, start('Lily had a red ball.', 9));
    const expected = (await more(alone, 53, 4)).fed;
    alone.forget(53);
    const table = new RunTable(engine.generator);
    table.keep(51, null, start('Once upon a time', 7));
    table.keep(52, null, start('Lily had a red ball.', 9));
    // Run 51 is cancelled (its request, id 1) after its second token.
    const fed: number[] = [];
    await requests.run(1, (isCancelled) =>
      table.continue(
        51,
        6,
        SETTINGS,
        (event) => {
          if (event.type !== 'step') return;
          fed.push(event.fed);
          if (fed.length === 2) requests.cancel(1);
        },
        isCancelled,
      ),
    );
    expect(fed.length).toBe(2);
    // A late cancel of request 1 does not touch run 52's request.
    const other: number[] = [];
    await requests.run(2, (isCancelled) => {
      requests.cancel(1);
      return table.continue(
        52,
        4,
        SETTINGS,
        (event) => {
          if (event.type === 'step') other.push(event.fed);
        },
        isCancelled,
      );
    });
    expect(other).toEqual(expected);
  });

  it('a forgotten run is gone; asking for it is an error, not another run’s tokens', async () => {
    const table = new RunTable(engine.generator);
    table.keep(21, null, start('Once upon a time', 7));
    table.forget(21);
    expect(table.has(21)).toBe(false);
    await expect(more(table, 21, 1)).rejects.toMatchObject({ code: 'internal' });
  });
});
