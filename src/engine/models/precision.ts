import type { Backend } from '../runtime';
import type { GraphChoice } from './folder';

/** The precisions a transformers.js-ready repository ships, by the names transformers.js gives them (its `dtype`
 * option), each in one file of `onnx/`. Big fp32 files keep their weights in `model.onnx_data` beside them. */
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

export const DTYPE_FILES: Readonly<Record<Dtype, string>> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  int8: 'onnx/model_int8.onnx',
  uint8: 'onnx/model_uint8.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
  bnb4: 'onnx/model_bnb4.onnx',
};

/** The coarsest rounding a graph's activations go through: float32; float16 (an fp16 or q4f16 graph keeps every
 * intermediate result in it); or 8-bit steps (dynamic quantization, as in q8, int8 and uint8 files: each integer
 * matrix product's input is rounded to 256 steps spread over that pass's own numbers, so a pass over other positions
 * rounds them differently). */
export type ActivationRounding = 'float32' | 'float16' | 'int8';

export const DTYPES = Object.keys(DTYPE_FILES) as Dtype[];

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && (DTYPES as string[]).includes(value);
}

/** The precision of a graph file, from its name (null for Optimum's decoder_model*.onnx and other names). */
export function dtypeOfFile(file: string): Dtype | null {
  return DTYPES.find((dtype) => DTYPE_FILES[dtype] === file) ?? null;
}

/** From the smallest file to the largest, as the repositories' listings show them (Xenova/gpt2: q4f16 < bnb4 ≈ q4
 * < q8 = int8 = uint8 < fp16 < fp32): the order to fall back in when the preferred file is missing. */
const BY_SIZE: readonly Dtype[] = ['q4f16', 'bnb4', 'q4', 'q8', 'int8', 'uint8', 'fp16', 'fp32'];

/** transformers.js' default: on WebGPU fp16 where the adapter can compute in it (`shader-f16`), else fp32; on WASM
 * q8 (`model_quantized.onnx`). */
export function defaultDtype(backend: Backend, shaderF16: boolean): Dtype {
  if (backend === 'wasm') return 'q8';
  return shaderF16 ? 'fp16' : 'fp32';
}

/** Optimum's older two-graph layout (fp32): the prompt graph and the graph with past inputs. */
const OPTIMUM: GraphChoice = { file: 'onnx/decoder_model.onnx', stepFile: 'onnx/decoder_with_past_model.onnx' };

/** The graph files to try for a Hub repository, in order. A precision the learner asked for (`?dtype=`) is the
 * only one tried: silently running another would show other numbers than the ones asked for. Otherwise the default
 * for the backend, then the others from the smallest up, then Optimum's layout. */
export function hubGraphChoices(requested: Dtype | null, preferred: Dtype): GraphChoice[] {
  if (requested) return [{ file: DTYPE_FILES[requested] }, ...(requested === 'fp32' ? [OPTIMUM] : [])];
  const order = [preferred, ...BY_SIZE.filter((dtype) => dtype !== preferred)];
  return [...order.map((dtype) => ({ file: DTYPE_FILES[dtype] })), OPTIMUM];
}
