// Precisions and large files of transformers.js-ready repositories: which graph file is tried first, `?dtype=`,
// float16 to float32, and the external data files a graph names.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DTYPE_FILES, defaultDtype, dtypeOfFile, hubGraphChoices } from '../../src/engine/models/precision';
import { externalDataLocations, externalDataPath } from '../../src/engine/models/externalData';
import { asFloat32, float16ToFloat32, float32ToFloat16 } from '../../src/engine/float16';
import { readUrlState } from '../../src/app/urlState';

describe('precision files', () => {
  it('names the files transformers.js repositories ship, and reads a file’s precision back', () => {
    expect(Object.values(DTYPE_FILES)).toEqual([
      'onnx/model.onnx',
      'onnx/model_fp16.onnx',
      'onnx/model_quantized.onnx',
      'onnx/model_int8.onnx',
      'onnx/model_uint8.onnx',
      'onnx/model_q4.onnx',
      'onnx/model_q4f16.onnx',
      'onnx/model_bnb4.onnx',
    ]);
    expect(dtypeOfFile('onnx/model_quantized.onnx')).toBe('q8');
    expect(dtypeOfFile('onnx/decoder_model.onnx')).toBeNull();
  });

  it('defaults as transformers.js does: q8 on WASM; fp16 on WebGPU with shader-f16, else fp32', () => {
    expect(defaultDtype('wasm', true)).toBe('q8');
    expect(defaultDtype('webgpu', true)).toBe('fp16');
    expect(defaultDtype('webgpu', false)).toBe('fp32');
  });

  it('tries the default first, then the others from the smallest up, then Optimum’s two graphs', () => {
    const files = hubGraphChoices(null, 'q8').map((choice) => choice.file);
    expect(files[0]).toBe('onnx/model_quantized.onnx');
    expect(files.slice(1, 4)).toEqual(['onnx/model_q4f16.onnx', 'onnx/model_bnb4.onnx', 'onnx/model_q4.onnx']);
    expect(files.at(-2)).toBe('onnx/model.onnx');
    expect(hubGraphChoices(null, 'q8').at(-1)).toEqual({ file: 'onnx/decoder_model.onnx', stepFile: 'onnx/decoder_with_past_model.onnx' });
    expect(new Set(files).size).toBe(files.length);
  });

  it('tries only the precision asked for (fp32 also in Optimum’s layout)', () => {
    expect(hubGraphChoices('q4', 'q8')).toEqual([{ file: 'onnx/model_q4.onnx' }]);
    expect(hubGraphChoices('fp32', 'q8').map((choice) => choice.file)).toEqual(['onnx/model.onnx', 'onnx/decoder_model.onnx']);
  });

  it('reads ?dtype= from the URL, and ignores a name transformers.js does not use', () => {
    const origin = 'http://localhost:5173';
    expect(readUrlState('?dtype=q4f16', origin).dtype).toBe('q4f16');
    expect(readUrlState('?dtype=fp64', origin).dtype).toBeNull();
    expect(readUrlState('', origin).dtype).toBeNull();
  });
});

describe('float16', () => {
  it('converts bit patterns to the values numpy.float16 gives them (zeros, normals, subnormals, limits, infinities)', () => {
    const bits = Uint16Array.from([0x0000, 0x8000, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x3555, 0x7c00, 0xfc00, 0x2e66]);
    const numpy = [
      0,
      -0,
      1,
      -2,
      65504,
      5.960464477539063e-8,
      6.097555160522461e-5,
      6.103515625e-5,
      0.333251953125,
      Infinity,
      -Infinity,
      0.0999755859375,
    ];
    expect(Array.from(float16ToFloat32(bits))).toEqual(numpy);
    expect(Number.isNaN(float16ToFloat32(Uint16Array.from([0x7e00]))[0])).toBe(true);
  });

  it('rounds float32 to the half-precision patterns numpy.float16 gives (ties to even, subnormals, overflow)', () => {
    const values = Float32Array.from([
      1,
      -2.5,
      65504,
      65520,
      65519.98828125,
      1e-8,
      2.98e-8,
      5.96e-8,
      8.9e-8,
      6.1e-5,
      6.09e-5,
      0.1,
      1 / 3,
      1 + 2 ** -11,
      1 + 3 * 2 ** -11,
      -0,
      1e6,
    ]);
    const numpy = [15360, 49408, 31743, 31744, 31743, 0, 0, 1, 1, 1023, 1022, 11878, 13653, 15360, 15362, 32768, 31744];
    expect(Array.from(float32ToFloat16(values))).toEqual(numpy);
  });

  it('takes every float16 value back to its own pattern (what an fp16 segment is fed)', () => {
    const patterns = Uint16Array.from({ length: 0x10000 }, (_, i) => i).filter(
      (bits) => (bits & 0x7c00) !== 0x7c00 || (bits & 0x3ff) === 0,
    );
    expect(Array.from(float32ToFloat16(float16ToFloat32(patterns)))).toEqual(Array.from(patterns));
  });

  it('leaves float32 data as it is (no copy)', () => {
    const data = new Float32Array([1, 2]);
    expect(asFloat32(data)).toBe(data);
  });
});

describe('external data', () => {
  const graph = (model: string) => new Uint8Array(readFileSync(resolve(__dirname, '../fixtures/hub', model, 'onnx/model.onnx')));

  it('finds the file a graph keeps its weights in (Qwen2 fixture: onnx/model.onnx_data), and none in a graph that holds them', () => {
    expect(externalDataLocations(graph('qwen2-tiny'))).toEqual(['model.onnx_data']);
    expect(externalDataLocations(graph('qwen3-tiny'))).toEqual([]);
    // A file cut off inside a length (an interrupted download) ends the walk.
    expect(externalDataLocations(new Uint8Array([0x3a, 0xff]))).toEqual([]);
    expect(externalDataPath('onnx/model.onnx', 'model.onnx_data')).toBe('onnx/model.onnx_data');
  });
});
