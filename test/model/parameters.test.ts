// The parameter count the model summary shows, read from the graph's weights: it must equal what PyTorch counts
// for the same model (a formula over the config, written out here independently of the graph), in every precision
// a repository ships, and count a tied lm_head once even when the export stored a copy of it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnx } from 'onnx-proto';
import { parseModelConfig, type ModelConfig } from '../../src/engine/models/config';
import { decodeModel, indexGraph } from '../../src/engine/probe/graph';
import { countParameters } from '../../src/engine/probe/parameters';
import { probe } from '../../src/engine/probe';
import { CACHED_GRAPH } from '../../src/engine/models/folder';
import { readJson, readModelFile } from './helpers';

const ROOT = resolve(__dirname, '../..');
const count = (bytes: Uint8Array, config: ModelConfig) => countParameters(indexGraph(decodeModel(bytes, 'model.onnx')), config);
const fixture = (model: string, file: string) => new Uint8Array(readFileSync(resolve(ROOT, 'test/fixtures/hub', model, file)));
const fixtureConfig = (model: string) =>
  parseModelConfig(JSON.parse(readFileSync(resolve(ROOT, 'test/fixtures/hub', model, 'config.json'), 'utf8')));

/** What `sum(p.numel() for p in model.parameters())` gives for GPT-2: embeddings, per layer two LayerNorms, c_attn,
 * c_proj, c_fc and the MLP's c_proj with their biases, then ln_f (the lm_head is tied). */
function gpt2Parameters(c: ModelConfig): number {
  const d = c.dModel;
  const layer = 2 * 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * c.dMlp + c.dMlp) + (c.dMlp * d + d);
  return c.vocabSize * d + c.nCtx * d + c.nLayer * layer + 2 * d;
}

/** The same for Llama-shaped models: no biases unless `qkvBias` (Qwen2), RMSNorm weights, per-head q/k norms for
 * Qwen3, an lm_head of its own when untied. */
function llamaParameters(c: ModelConfig, extra: { qkvBias?: boolean; qkNorm?: boolean } = {}): number {
  const d = c.dModel;
  const q = c.nHead * c.dHead;
  const kv = c.nKvHead * c.dHead;
  let layer = d * q + 2 * d * kv + q * d + 3 * d * c.dMlp + 2 * d;
  if (extra.qkvBias) layer += q + 2 * kv;
  if (extra.qkNorm) layer += 2 * c.dHead;
  return c.vocabSize * d * (c.tieWordEmbeddings ? 1 : 2) + c.nLayer * layer + d;
}

describe('parameter count', () => {
  it('the embedded models: 3,207,680 (GPT-2) and 3,017,760 (Llama), as PyTorch counts them', () => {
    const gpt2 = parseModelConfig(readJson('config.json', 'flow-gpt2-tiny'));
    const llama = parseModelConfig(readJson('config.json', 'flow-llama-tiny'));
    expect(gpt2Parameters(gpt2)).toBe(3_207_680);
    expect(llamaParameters(llama)).toBe(3_017_760);
    expect(count(readModelFile(CACHED_GRAPH, 'flow-gpt2-tiny'), gpt2)).toBe(3_207_680);
    expect(count(readModelFile(CACHED_GRAPH, 'flow-llama-tiny'), llama)).toBe(3_017_760);
    // What the worker reports is the probe's count.
    expect(probe(readModelFile(CACHED_GRAPH, 'flow-gpt2-tiny'), CACHED_GRAPH, gpt2).parameters).toBe(3_207_680);
  });

  it('the open-model fixtures in every precision they ship (fp16, q8, q4, q4f16, bnb4): the fp32 count', () => {
    const cases: [string, string[], number][] = [
      ['gpt2-tiny', ['onnx/model.onnx'], gpt2Parameters(fixtureConfig('gpt2-tiny'))],
      ['llama3-tiny', ['onnx/model.onnx'], llamaParameters(fixtureConfig('llama3-tiny'))],
      ['qwen2-tiny', ['onnx/model.onnx'], llamaParameters(fixtureConfig('qwen2-tiny'), { qkvBias: true })],
      [
        'qwen3-tiny',
        ['onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_quantized.onnx', 'onnx/model_q4.onnx'],
        llamaParameters(fixtureConfig('qwen3-tiny'), { qkNorm: true }),
      ],
      [
        'qwen2-untied-tiny',
        ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'onnx/model_q4f16.onnx', 'onnx/model_bnb4.onnx'],
        llamaParameters(fixtureConfig('qwen2-untied-tiny'), { qkvBias: true }),
      ],
      [
        'optimum-gpt2-tiny',
        ['onnx/decoder_model.onnx', 'onnx/decoder_with_past_model.onnx'],
        gpt2Parameters(fixtureConfig('optimum-gpt2-tiny')),
      ],
    ];
    for (const [model, files, expected] of cases) {
      for (const file of files) expect([model, file, count(fixture(model, file), fixtureConfig(model))]).toEqual([model, file, expected]);
    }
  });

  it('a tied lm_head stored as a copy of the embedding (as constant folding exports it) counts once', () => {
    const config = parseModelConfig(readJson('config.json', 'flow-gpt2-tiny'));
    const model = decodeModel(readModelFile(CACHED_GRAPH, 'flow-gpt2-tiny'), CACHED_GRAPH);
    const graph = model.graph!;
    const lmHead = graph.node!.find((node) => node.output?.includes('logits'))!;
    const embedding = graph.initializer!.find((tensor) => tensor.name === 'transformer.wte.weight')!;
    const copy = onnx.TensorProto.create({
      name: 'onnx::MatMul_copy',
      dataType: onnx.TensorProto.DataType.FLOAT,
      dims: [config.dModel, config.vocabSize],
      rawData: new Uint8Array(embedding.rawData!.length),
    });
    graph.initializer!.push(copy);
    lmHead.input![1] = 'onnx::MatMul_copy';
    const bytes = onnx.ModelProto.encode(model).finish();
    expect(count(bytes, config)).toBe(3_207_680);
    // The same graph read as an untied model has an lm_head of its own: 8192 × 160 more.
    expect(count(bytes, { ...config, tieWordEmbeddings: false })).toBe(3_207_680 + 8192 * 160);
  });

  it('a tied lm_head read through an Identity of the embedding counts once; an Identity standing for a merged bias counts', () => {
    const config = parseModelConfig(readJson('config.json', 'flow-gpt2-tiny'));
    const model = decodeModel(readModelFile(CACHED_GRAPH, 'flow-gpt2-tiny'), CACHED_GRAPH);
    const graph = model.graph!;
    const transpose = graph.node!.find((node) => node.output?.includes('/lm_head/Transpose_output_0'))!;
    transpose.input![0] = 'lm_head.weight';
    graph.node!.unshift(
      onnx.NodeProto.create({ opType: 'Identity', name: 'Identity_head', input: ['transformer.wte.weight'], output: ['lm_head.weight'] }),
    );
    expect(count(onnx.ModelProto.encode(model).finish(), config)).toBe(3_207_680);
    // ln_f's bias read through an Identity of layer 0's (as an exporter merges equal values): still 160 of its own.
    const lnF = graph.node!.find((node) => node.opType === 'LayerNormalization' && node.input?.[2] === 'transformer.ln_f.bias')!;
    graph.initializer = graph.initializer!.filter((tensor) => tensor.name !== 'transformer.ln_f.bias');
    graph.node!.unshift(
      onnx.NodeProto.create({
        opType: 'Identity',
        name: 'Identity_bias',
        input: ['transformer.h.0.ln_1.bias'],
        output: ['transformer.ln_f.bias'],
      }),
    );
    expect(lnF.input![2]).toBe('transformer.ln_f.bias');
    expect(count(onnx.ModelProto.encode(model).finish(), config)).toBe(3_207_680);
  });
});
