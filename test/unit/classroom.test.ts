import { describe, expect, it } from 'vitest';
import { packDtype, parseClassroomSettings, planPack } from '../../src/engine/models/classroom';

describe('classroom.json', () => {
  it('reads a class pack’s models and leaves out what the app could not load', () => {
    expect(parseClassroomSettings({ models: [] })).toEqual({ models: [] });
    expect(
      parseClassroomSettings({
        about: 'ignored',
        models: [
          { repo: 'Xenova/gpt2', dtype: 'q8', bytes: 130e6 },
          { repo: 'Xenova/gpt2', dtype: 'fp32', bytes: 1 }, // named twice: the first counts
          { repo: 'https://evil.example/a/b', dtype: 'q8', bytes: 1 },
          { repo: 'a/b', dtype: 'q3', bytes: 1 },
          { repo: 'onnx-community/Qwen3-0.6B-ONNX', dtype: 'q4f16', bytes: 'big' },
          null,
        ],
      }),
    ).toEqual({
      models: [
        { repo: 'Xenova/gpt2', dtype: 'q8', bytes: 130e6 },
        { repo: 'onnx-community/Qwen3-0.6B-ONNX', dtype: 'q4f16', bytes: 0 },
      ],
    });
    expect(parseClassroomSettings('<!doctype html>')).toBeNull();
    expect(parseClassroomSettings({ models: 'Xenova/gpt2' })).toBeNull();
  });

  it('packs the precision asked for, else the app’s choice on WASM, else the smallest there is', () => {
    const files = (...paths: string[]) => paths.map((path) => ({ path, size: 1 }));
    expect(packDtype('fp16', files('onnx/model.onnx'))).toBe('fp16');
    expect(packDtype(null, files('onnx/model.onnx', 'onnx/model_quantized.onnx', 'onnx/model_q4f16.onnx'))).toBe('q8');
    expect(packDtype(null, files('onnx/model.onnx', 'onnx/model_q4f16.onnx'))).toBe('q4f16');
    expect(packDtype(null, files('onnx/decoder_model.onnx', 'onnx/decoder_with_past_model.onnx'))).toBe('fp32');
    expect(packDtype(null, files('config.json'))).toBeNull();
  });

  it('names every file the app would miss, an unreadable config among them', async () => {
    const present: Record<string, string> = { 'config.json': '{"model_type": "bert"}', 'onnx/model_fp16.onnx': '' };
    const folder = { has: (path: string) => path in present, read: async (path: string) => new TextEncoder().encode(present[path]) };
    const plan = await planPack(folder, 'fp16');
    expect(plan.files).toEqual(['config.json', 'onnx/model_fp16.onnx']);
    expect(plan.missing).toEqual(['tokenizer.json']); // tokenizer_config.json is optional to the loader
    expect(plan.problem).toContain('architecture-unsupported');
    expect((await planPack(folder, 'fp32')).missing).toEqual(['tokenizer.json', 'onnx/model.onnx']);
  });
});
