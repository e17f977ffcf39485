// The shipped ONNX graphs against PyTorch's logits, written by tools/model/export.py when the model was built.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { EMBEDDED_MODELS, maxAbsDifference, readModelFile, reference, loadEngine } from './helpers';
import { CACHED_GRAPH } from '../../src/engine/models/folder';

const TOLERANCE = 1e-4;

describe.each(EMBEDDED_MODELS)('embedded model %s: ONNX equals PyTorch', (model) => {
  it('the shipped KV-cache graph, as exported (no captures), fed the prompt with an empty past, gives PyTorch logits', async () => {
    const bytes = readModelFile(CACHED_GRAPH, model);
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const { config } = await loadEngine(model);
    for (const entry of reference(model).prompts) {
      const ids = BigInt64Array.from(entry.input_ids, BigInt);
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', ids, [1, ids.length]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      };
      if (session.inputNames.includes('position_ids')) {
        feeds['position_ids'] = new ort.Tensor('int64', BigInt64Array.from(entry.input_ids.map((_, i) => BigInt(i))), [1, ids.length]);
      }
      for (const name of session.inputNames.filter((n) => n.startsWith('past_key_values'))) {
        feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, config.nKvHead, 0, config.dHead]);
      }
      const logits = (await session.run(feeds))['logits']!;
      expect(logits.dims).toEqual([1, ...entry.shape]);
      expect(maxAbsDifference(logits.data as Float32Array, entry.logits)).toBeLessThan(TOLERANCE);
    }
  });

  it('the KV-cache graph with every capture output, fed one token at a time, gives PyTorch logits', async () => {
    const { generator, tokenizer, config } = await loadEngine(model);
    for (const entry of reference(model).prompts) {
      expect(tokenizer.encode(entry.prompt)).toEqual(entry.input_ids);
      generator.reset();
      const rows: number[] = [];
      for (let n = 1; n <= entry.input_ids.length; n++) {
        const { lastLogits } = await generator.forward(entry.input_ids.slice(0, n));
        rows.push(...lastLogits);
      }
      expect(rows.length).toBe(entry.input_ids.length * config.vocabSize);
      expect(maxAbsDifference(rows, entry.logits)).toBeLessThan(TOLERANCE);
    }
  });
});
