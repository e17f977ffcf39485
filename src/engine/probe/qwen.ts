import type { ModelConfig } from '../models/config';
import type { CapturePoint } from './capturePoints';
import type { GraphIndex } from './graph';
import { LLAMA, llamaCapturePoints, type LlamaVariant } from './llama';

/** Qwen2 / Qwen2.5: Llama's graph with biases on the Q, K and V projections (`q_proj/Add` after `q_proj/MatMul`).
 * The biases sit inside the projections' scopes, so Llama's capture rules find every point unchanged. */
export const QWEN2: LlamaVariant = LLAMA;

/** Qwen3: Llama's graph plus a per-head RMSNorm on Q and on K (`self_attn/q_norm/`, `self_attn/k_norm/`) between
 * the projections and RoPE ("QK-norm"): two more capture points per layer. */
export const QWEN3: LlamaVariant = { qkNorm: true };

export function qwen2CapturePoints(index: GraphIndex, config: ModelConfig): CapturePoint[] {
  return llamaCapturePoints(index, config, QWEN2);
}

export function qwen3CapturePoints(index: GraphIndex, config: ModelConfig): CapturePoint[] {
  return llamaCapturePoints(index, config, QWEN3);
}
