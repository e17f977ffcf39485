import { EngineError } from '../errors';

/** The model families the engine runs: GPT-2, and the Llama family (Llama; Qwen2 = Llama + biases on Q, K, V;
 * Qwen3 = Llama + a per-head RMSNorm on Q and K). */
export type Architecture = 'gpt2' | 'llama' | 'qwen2' | 'qwen3';

/** Families that share Llama's config fields (`num_attention_heads`, `rms_norm_eps`, `rope_theta`…). */
const LLAMA_FAMILY: readonly string[] = ['llama', 'qwen2', 'qwen3'];

/** What the engine needs to know about a model, read from its Hugging Face `config.json`. */
export interface ModelConfig {
  architecture: Architecture;
  nLayer: number;
  /** Query heads. */
  nHead: number;
  /** Key/value heads: fewer than query heads with grouped-query attention (Llama); equal for GPT-2. */
  nKvHead: number;
  dModel: number;
  dHead: number;
  dMlp: number;
  nCtx: number;
  vocabSize: number;
  eosTokenId: number | null;
  /** Every end token: `eos_token_id` may be a list (Llama 3 ends a chat turn with 128008 or 128009 too), and a run
   * stops at any of them. */
  stopTokenIds: number[];
  layerNormEpsilon: number;
  /** The base θ of the rotary position embedding (`rope_theta`); null for a model with a learned position table. */
  ropeTheta: number | null;
  /** `rope_scaling.rope_type` (e.g. "llama3", "yarn"): the frequencies θ_i are rescaled from the plain formula. */
  ropeScaling: string | null;
  /** Whether the unembedding is the token embedding transposed (`tie_word_embeddings`) or a matrix of its own. */
  tieWordEmbeddings: boolean;
}

function positiveInteger(raw: Record<string, unknown>, ...fields: string[]): number {
  for (const field of fields) {
    const value = raw[field];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  throw new EngineError('config-invalid', { field: fields[0]! });
}

/** `rope_theta`, or `rope_parameters.rope_theta` (transformers 5), or Hugging Face's default 10000. */
function ropeThetaOf(config: Record<string, unknown>): number {
  const parameters = config['rope_parameters'];
  const nested = typeof parameters === 'object' && parameters !== null ? (parameters as Record<string, unknown>)['rope_theta'] : undefined;
  const theta = config['rope_theta'] ?? nested;
  if (theta === undefined || theta === null) return 10000;
  if (typeof theta !== 'number' || !(theta > 1)) throw new EngineError('config-invalid', { field: 'rope_theta' });
  return theta;
}

function ropeScalingOf(config: Record<string, unknown>): string | null {
  const scaling = config['rope_scaling'] ?? config['rope_parameters'];
  if (typeof scaling !== 'object' || scaling === null) return null;
  const type = (scaling as Record<string, unknown>)['rope_type'] ?? (scaling as Record<string, unknown>)['type'];
  return typeof type === 'string' && type !== 'default' ? type : null;
}

/** Hugging Face's defaults differ: GPT2Config ties the unembedding, LlamaConfig does not. */
function tiedOf(config: Record<string, unknown>, fallback: boolean): boolean {
  const tied = config['tie_word_embeddings'];
  return typeof tied === 'boolean' ? tied : fallback;
}

function stopTokensOf(config: Record<string, unknown>): number[] {
  const eos = config['eos_token_id'];
  const ids = Array.isArray(eos) ? eos : [eos];
  return ids.filter((id): id is number => typeof id === 'number' && Number.isInteger(id) && id >= 0);
}

function eosOf(config: Record<string, unknown>): number | null {
  return stopTokensOf(config)[0] ?? null;
}

/** Parses a GPT-2 or Llama family (Llama, Qwen2, Qwen3) config.json; any missing or malformed field is named in
 * the error. */
export function parseModelConfig(raw: unknown): ModelConfig {
  if (typeof raw !== 'object' || raw === null) throw new EngineError('config-invalid', { field: 'config.json' });
  const config = raw as Record<string, unknown>;
  const modelType = config['model_type'];
  if (typeof modelType !== 'string') throw new EngineError('config-invalid', { field: 'model_type' });
  if (LLAMA_FAMILY.includes(modelType)) return parseLlama(config, modelType as Architecture);
  if (modelType !== 'gpt2') throw new EngineError('architecture-unsupported', { architecture: modelType });
  const nLayer = positiveInteger(config, 'n_layer');
  const nHead = positiveInteger(config, 'n_head');
  const dModel = positiveInteger(config, 'n_embd');
  if (dModel % nHead !== 0) throw new EngineError('config-invalid', { field: 'n_embd' });
  const inner = config['n_inner'];
  return {
    architecture: 'gpt2',
    nLayer,
    nHead,
    nKvHead: nHead,
    dModel,
    dHead: dModel / nHead,
    dMlp: typeof inner === 'number' && inner > 0 ? inner : 4 * dModel,
    nCtx: positiveInteger(config, 'n_positions', 'n_ctx'),
    vocabSize: positiveInteger(config, 'vocab_size'),
    eosTokenId: eosOf(config),
    stopTokenIds: stopTokensOf(config),
    layerNormEpsilon: typeof config['layer_norm_epsilon'] === 'number' ? (config['layer_norm_epsilon'] as number) : 1e-5,
    ropeTheta: null,
    ropeScaling: null,
    tieWordEmbeddings: tiedOf(config, true),
  };
}

function parseLlama(config: Record<string, unknown>, architecture: Architecture): ModelConfig {
  const nHead = positiveInteger(config, 'num_attention_heads');
  const dModel = positiveInteger(config, 'hidden_size');
  const nKvHead = typeof config['num_key_value_heads'] === 'number' ? positiveInteger(config, 'num_key_value_heads') : nHead;
  if (nHead % nKvHead !== 0) throw new EngineError('config-invalid', { field: 'num_key_value_heads' });
  const dHead = typeof config['head_dim'] === 'number' ? positiveInteger(config, 'head_dim') : dModel / nHead;
  if (!Number.isInteger(dHead)) throw new EngineError('config-invalid', { field: 'hidden_size' });
  return {
    architecture,
    nLayer: positiveInteger(config, 'num_hidden_layers'),
    nHead,
    nKvHead,
    dModel,
    dHead,
    dMlp: positiveInteger(config, 'intermediate_size'),
    nCtx: positiveInteger(config, 'max_position_embeddings'),
    vocabSize: positiveInteger(config, 'vocab_size'),
    eosTokenId: eosOf(config),
    stopTokenIds: stopTokensOf(config),
    layerNormEpsilon: typeof config['rms_norm_eps'] === 'number' ? (config['rms_norm_eps'] as number) : 1e-6,
    ropeTheta: ropeThetaOf(config),
    ropeScaling: ropeScalingOf(config),
    tieWordEmbeddings: tiedOf(config, false),
  };
}
