// The engine end to end in Node (onnxruntime-web's WASM backend): generate, record a Trace, export it.
import { describe, expect, it } from 'vitest';
import { assembled, computedPositions, exportTrace, importTrace } from '../../src/engine/trace';
import { EngineError } from '../../src/engine/errors';
import { logitLens } from '../../src/engine/lens';
import { validateTraceDocument } from '../traceFormat';
import { loadEngine, maxAbsDifference, MODEL_NAME, recordTrace } from './helpers';

describe('engine in Node', async () => {
  const engine = await loadEngine();
  const { config, probed, tokenizer, generator } = engine;

  async function record(prompt: string, maxNewTokens: number, seed = 1) {
    const settings = { temperature: 0.8, topK: 40, topP: 0.95 };
    return (await recordTrace(engine, { modelName: MODEL_NAME, prompt, settings, seed, maxNewTokens })).trace;
  }

  it('stops at any end token the config lists, not only the first', async () => {
    const greedy = { temperature: 0, topK: 0, topP: 1 };
    const ids = tokenizer.encode('Lily had a red ball. She');
    generator.reset();
    const first = await generator.generate(
      { ids: [...ids], maxNewTokens: 1, settings: greedy, rngState: 1 },
      () => {},
      () => false,
    );
    const chosen = first.ids[ids.length]!;
    expect(config.stopTokenIds).not.toContain(chosen);
    const saved = config.stopTokenIds;
    // As Llama 3's config lists 128001, 128008 and 128009: the greedy token second in the list.
    config.stopTokenIds = [...saved, chosen];
    try {
      generator.reset();
      const result = await generator.generate(
        { ids: [...ids], maxNewTokens: 5, settings: greedy, rngState: 1 },
        () => {},
        () => false,
      );
      expect(result.stopReason).toBe('eos');
      expect(result.ids.length).toBe(ids.length + 1);
    } finally {
      config.stopTokenIds = saved;
    }
  });

  it('finds every capture point of the graph', () => {
    expect(probed.points).toHaveLength(4 + 16 * config.nLayer);
    expect(probed.points.find((p) => p.hook === 'blocks.0.attn.hook_pattern')!.tensor).toBe('/transformer/h.0/attn/Softmax_output_0');
    expect(probed.points.find((p) => p.hook === 'blocks.1.hook_resid_pre')!.tensor).toBe(
      probed.points.find((p) => p.hook === 'blocks.0.hook_resid_post')!.tensor,
    );
    expect(probed.lens).not.toBeNull();
  });

  it('records one step per token and a Trace whose export follows docs/trace-format.md', async () => {
    const trace = await record('Lily had a red ball. She', 6);
    expect(trace.steps.length).toBeGreaterThan(0);
    expect(computedPositions(trace)).toBe(trace.tokens.length - 1);
    const document = JSON.parse(exportTrace(trace));
    expect(validateTraceDocument(document)).toEqual([]);
  });

  it('a Trace read back from its exported file is the same run: every tensor, token and decision', async () => {
    const trace = await record('从前，小明有一只猫。', 5);
    const text = exportTrace(trace);
    const opened = importTrace(text, 'run.json');
    expect(opened.runId).not.toBe(trace.runId);
    expect(opened.tokens).toEqual(trace.tokens);
    expect(opened.steps).toEqual(JSON.parse(JSON.stringify(trace.steps)));
    expect(computedPositions(opened)).toBe(computedPositions(trace));
    for (const point of trace.points) {
      const a = assembled(trace, point.hook);
      const b = assembled(opened, point.hook);
      expect(b.dims, point.hook).toEqual(a.dims);
      // (Equal as numbers: JSON writes −0 as 0; a value not kept is NaN in both.)
      const differing = Array.from(a.data).findIndex((x, i) => !(x === b.data[i] || (Number.isNaN(x) && Number.isNaN(b.data[i]!))));
      expect(differing, `${point.hook} at ${differing}`).toBe(-1);
    }
    // Written again, it is the same file.
    expect(exportTrace(opened)).toBe(text);
  });

  it('a file that is not a trace is refused, saying why', () => {
    const why = (text: string) => {
      try {
        importTrace(text, 'x.json');
        return 'opened';
      } catch (error) {
        return error instanceof EngineError ? `${error.code} ${error.params['why']}` : 'other';
      }
    };
    expect(why('{not json')).toBe('trace-invalid not-json');
    expect(why('{"format":"something-else"}')).toBe('trace-invalid not-trace');
    expect(why('{"format":"transformer-flow-trace","version":99}')).toBe('trace-invalid version');
    expect(
      why(
        '{"format":"transformer-flow-trace","version":1,"model":{"name":"m","nLayer":1,"nHead":1,"dHead":2},"tokens":[],"steps":[],"captures":{"logits":{"layout":"tokens","shape":[2,3],"data":[1,2]}}}',
      ),
    ).toBe('trace-invalid broken');
  });

  it('embedding + position embedding is the first residual stream', async () => {
    const trace = await record('从前，小明', 2);
    const embed = assembled(trace, 'hook_embed').data;
    const position = assembled(trace, 'hook_pos_embed').data;
    const resid = assembled(trace, 'blocks.0.hook_resid_pre').data;
    expect(
      maxAbsDifference(
        embed.map((v, i) => v + position[i]!),
        resid,
      ),
    ).toBeLessThan(1e-6);
  });

  it('resid_mid = resid_pre + attn_out and resid_post = resid_mid + mlp_out, in every layer', async () => {
    const trace = await record('Once upon a time', 3);
    for (let layer = 0; layer < config.nLayer; layer++) {
      const get = (name: string) => assembled(trace, `blocks.${layer}.${name}`).data;
      const pre = get('hook_resid_pre');
      const attnOut = get('hook_attn_out');
      const mid = get('hook_resid_mid');
      expect(
        maxAbsDifference(
          pre.map((v, i) => v + attnOut[i]!),
          mid,
        ),
      ).toBeLessThan(1e-5);
      const mlpOut = get('hook_mlp_out');
      expect(
        maxAbsDifference(
          mid.map((v, i) => v + mlpOut[i]!),
          get('hook_resid_post'),
        ),
      ).toBeLessThan(1e-5);
    }
  });

  it('the logit lens of the last layer reproduces the logits', async () => {
    const trace = await record('Tom and Mia', 2);
    const last = config.nLayer - 1;
    for (let p = 0; p < computedPositions(trace); p++) {
      const lens = logitLens(trace.rows[`blocks.${last}.hook_resid_post`]![p]!, probed.lens!);
      expect(maxAbsDifference(lens, trace.rows['logits']![p]!)).toBeLessThan(1e-3);
    }
  });

  it('stops at the context length and says so', async () => {
    const long = 'Lily '.repeat(config.nCtx - 3).trim();
    const trace = await record(long, 20);
    expect(trace.stopReason === 'context-full' || trace.stopReason === 'eos').toBe(true);
    expect(computedPositions(trace)).toBeLessThanOrEqual(config.nCtx);
  });
});
