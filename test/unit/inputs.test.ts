import { describe, expect, it } from 'vitest';
import { onnx } from 'onnx-proto';
import { parseModelConfig } from '../../src/engine/models/config';
import { EngineError } from '../../src/engine/errors';
import { probe } from '../../src/engine/probe';
import { readUrlState, urlParams } from '../../src/app/urlState';
import { detectLocale, en, zhCN } from '../../src/i18n/index.svelte';
import { readJson, readModelFile } from '../model/helpers';

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof EngineError ? error.toData() : { code: 'other', params: {} as Record<string, string | number> };
  }
  return null;
};

describe('model config', () => {
  const good = readJson('config.json') as Record<string, unknown>;

  it('reads the embedded config', () => {
    const config = parseModelConfig(good);
    expect(config.dHead * config.nHead).toBe(config.dModel);
    expect(config.eosTokenId).toBe(good['eos_token_id']);
  });

  it('names the missing or bad field', () => {
    const { n_head: _, ...missingHeads } = good;
    expect(errorOf(() => parseModelConfig(missingHeads))).toEqual({ code: 'config-invalid', params: { field: 'n_head' } });
    expect(errorOf(() => parseModelConfig({ ...good, n_embd: 'wide' }))).toEqual({ code: 'config-invalid', params: { field: 'n_embd' } });
    expect(errorOf(() => parseModelConfig(null))).toEqual({ code: 'config-invalid', params: { field: 'config.json' } });
    expect(errorOf(() => parseModelConfig({ ...good, model_type: 'mamba' }))).toEqual({
      code: 'architecture-unsupported',
      params: { architecture: 'mamba' },
    });
  });

  it('reads the RoPE base (rope_theta, default 10000) and whether the unembedding is tied', () => {
    const llama = readJson('config.json', 'flow-llama-tiny') as Record<string, unknown>;
    expect(parseModelConfig(good).ropeTheta).toBeNull();
    expect(parseModelConfig(llama).ropeTheta).toBe(llama['rope_theta']);
    expect(parseModelConfig({ ...llama, rope_theta: 1000000 }).ropeTheta).toBe(1000000);
    const { rope_theta: _, ...noTheta } = llama;
    expect(parseModelConfig(noTheta).ropeTheta).toBe(10000);
    // transformers 5 writes the base inside rope_parameters.
    expect(parseModelConfig({ ...noTheta, rope_parameters: { rope_type: 'default', rope_theta: 100000 } })).toMatchObject({
      ropeTheta: 100000,
      ropeScaling: null,
    });
    expect(parseModelConfig({ ...llama, rope_scaling: { rope_type: 'llama3', factor: 32 } }).ropeScaling).toBe('llama3');
    expect(errorOf(() => parseModelConfig({ ...llama, rope_theta: 'big' }))).toEqual({
      code: 'config-invalid',
      params: { field: 'rope_theta' },
    });
    // Hugging Face's defaults: GPT-2 ties its unembedding to W_E, Llama does not.
    const { tie_word_embeddings: __, ...llamaDefault } = llama;
    const { tie_word_embeddings: ___, ...gpt2Default } = good;
    expect(parseModelConfig(llamaDefault).tieWordEmbeddings).toBe(false);
    expect(parseModelConfig(gpt2Default).tieWordEmbeddings).toBe(true);
    expect(parseModelConfig(llama).tieWordEmbeddings).toBe(llama['tie_word_embeddings']);
  });
});

describe('probe', () => {
  const config = parseModelConfig(readJson('config.json'));

  it('rejects bytes that are not ONNX', () => {
    expect(errorOf(() => probe(new TextEncoder().encode('<html>not a model</html>'), 'x.onnx', config))?.code).toBe('model-not-onnx');
  });

  it('names the capture points a graph without softmax lacks', () => {
    const model = onnx.ModelProto.decode(readModelFile('onnx/decoder_model_merged.onnx'));
    for (const node of model.graph!.node!) if (node.opType === 'Softmax' && node.name!.includes('h.1/')) node.opType = 'Relu';
    const error = errorOf(() => probe(onnx.ModelProto.encode(model).finish(), 'decoder_model_merged.onnx', config));
    expect(error?.code).toBe('probe-missing');
    expect(error?.params.architecture).toBe('gpt2');
    expect(String(error?.params.points)).toContain('blocks.1.attn.hook_pattern');
    expect(String(error?.params.points)).not.toContain('blocks.0.');
  });
});

describe('URL state', () => {
  const origin = 'http://localhost:5173';
  it('accepts known values and ignores the rest', () => {
    expect(readUrlState('?backend=wasm&lang=zh', origin)).toMatchObject({ backend: 'wasm', locale: 'zh-CN', model: null });
    expect(readUrlState('?backend=%3Cscript%3E&lang=xx', origin)).toMatchObject({ backend: 'auto', locale: null, model: null });
    const prepared = readUrlState('?prompt=%E4%BB%8E%E5%89%8D&t=0.5&k=10&p=0.9&min=2&seed=7&max=3&frame=42&present=1', origin);
    expect(prepared).toMatchObject({
      prompt: '从前',
      settings: { temperature: 0.5, topK: 10, topP: 0.9, minNewTokens: 2, seed: 7, maxNewTokens: 3 },
      frame: 42,
      present: true,
    });
    // A link the page writes reads back as the same settings.
    const written = new URLSearchParams(
      urlParams({
        prompt: '从前',
        settings: { temperature: 0.5, topK: 10, topP: 0.9, minNewTokens: 0, seed: 7, maxNewTokens: 3 },
        frame: 0,
        locale: 'en',
        present: false,
      }),
    );
    expect(readUrlState(`?${written}`, origin).settings).toEqual({
      temperature: 0.5,
      topK: 10,
      topP: 0.9,
      minNewTokens: 0,
      seed: 7,
      maxNewTokens: 3,
    });
    const hostile = readUrlState('?t=NaN&k=-4&p=7&min=-1&seed=1.5&max=1e9&frame=abc&prompt=' + 'x'.repeat(5000), origin);
    expect(hostile.settings).toEqual({});
    expect(hostile.frame).toBeNull();
    expect(hostile.prompt).toBeNull();
  });
  it("keeps presentation's type size on the A− / A+ scale", () => {
    expect(readUrlState('?present=1', origin).textSize).toBe(100);
    expect(readUrlState('?size=130', origin).textSize).toBe(130);
    // Between steps, the nearest; out of range, the nearest end; nonsense, the default.
    expect(readUrlState('?size=124', origin).textSize).toBe(120);
    expect(readUrlState('?size=20', origin).textSize).toBe(70);
    expect(readUrlState('?size=900', origin).textSize).toBe(140);
    expect(readUrlState('?size=big', origin).textSize).toBe(100);
    const written = (textSize: number) =>
      new URLSearchParams(
        urlParams({
          prompt: 'x',
          settings: { temperature: 1, topK: 0, topP: 1, minNewTokens: 0, seed: 1, maxNewTokens: 3 },
          frame: 0,
          locale: 'en',
          present: true,
          textSize,
        }),
      );
    expect(written(140).get('size')).toBe('140');
    expect(written(100).has('size')).toBe(false);
  });
  it('only takes same-origin model folders', () => {
    expect(readUrlState('?model=/models/x', origin).model).toBe('/models/x');
    expect(readUrlState('?model=https://evil.example/models/x', origin).model).toBeNull();
    expect(readUrlState('?model=javascript:alert(1)', origin).model).toBeNull();
  });
});

describe('i18n', () => {
  it('has every key in both languages, with the same parameters', () => {
    const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zhCN[key], key).toBeTruthy();
      expect(params(zhCN[key]), key).toEqual(params(en[key]));
    }
  });
  it('picks Chinese for any zh browser language', () => {
    expect(detectLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(detectLocale(['en-US'])).toBe('en');
  });
});
