// The embedded model folder as @xenova/transformers sees it: AutoTokenizer from local files, and its own
// text-generation pipeline on the KV-cache graph (the plain-generation baseline of the benchmarks).
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { AutoTokenizer, env, pipeline } from '@xenova/transformers';
import { EMBEDDED_MODELS, loadEngine, MODEL_NAME } from './helpers';

env.allowRemoteModels = false;
env.localModelPath = resolve(__dirname, '../../public/models') + '/';

describe('the model folder in @xenova/transformers', () => {
  it('AutoTokenizer loads tokenizer.json from local files and round-trips text exactly', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(MODEL_NAME);
    for (const text of ['Once upon a time', '从前，小明和小红', 'Hello 世界 🙂  two  spaces']) {
      const ids = tokenizer.encode(text, null, { add_special_tokens: false });
      expect(tokenizer.decode(ids, { clean_up_tokenization_spaces: false })).toBe(text);
    }
  });

  it.each(EMBEDDED_MODELS)(
    'runs its text-generation pipeline on %s/onnx/decoder_model_merged.onnx with the same greedy tokens as our engine',
    async (model) => {
      const generator = await pipeline('text-generation', model, { quantized: false });
      const output = (await generator('Lily had a red ball. She', { max_new_tokens: 12, do_sample: false })) as {
        generated_text: string;
      }[];
      const { tokenizer, generator: engine } = await loadEngine(model);
      const ids = tokenizer.encode('Lily had a red ball. She');
      engine.reset();
      const result = await engine.generate(
        { ids, maxNewTokens: 12, settings: { temperature: 0, topK: 0, topP: 1 }, rngState: 1 },
        () => {},
        () => false,
      );
      expect(output[0]!.generated_text).toBe(tokenizer.decode(result.ids));
    },
  );
});
