import { EngineError } from '../errors';

export type Architecture = 'gpt2' | 'llama';

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
  layerNormEpsilon: number;
}

function positiveInteger(raw: Record<string, unknown>, ...fields: string[]): number {
  for (const field of fields) {
    const value = raw[field];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  throw new EngineError('config-invalid', { field: fields[0]! });
}

function eosOf(config: Record<string, unknown>): number | null {
  const eos = config['eos_token_id'];
  if (typeof eos === 'number') return eos;
  return Array.isArray(eos) && typeof eos[0] === 'number' ? eos[0] : null;
}

/** Parses a GPT-2 or Llama family config.json; any missing or malformed field is named in the error. */
export function parseModelConfig(raw: unknown): ModelConfig {
  if (typeof raw !== 'object' || raw === null) throw new EngineError('config-invalid', { field: 'config.json' });
  const config = raw as Record<string, unknown>;
  const modelType = config['model_type'];
  if (typeof modelType !== 'string') throw new EngineError('config-invalid', { field: 'model_type' });
  if (modelType === 'llama') return parseLlama(config);
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
    layerNormEpsilon: typeof config['layer_norm_epsilon'] === 'number' ? (config['layer_norm_epsilon'] as number) : 1e-5,
  };
}

function parseLlama(config: Record<string, unknown>): ModelConfig {
  const nHead = positiveInteger(config, 'num_attention_heads');
  const dModel = positiveInteger(config, 'hidden_size');
  const nKvHead = typeof config['num_key_value_heads'] === 'number' ? positiveInteger(config, 'num_key_value_heads') : nHead;
  if (nHead % nKvHead !== 0) throw new EngineError('config-invalid', { field: 'num_key_value_heads' });
  const dHead = typeof config['head_dim'] === 'number' ? positiveInteger(config, 'head_dim') : dModel / nHead;
  if (!Number.isInteger(dHead)) throw new EngineError('config-invalid', { field: 'hidden_size' });
  return {
    architecture: 'llama',
    nLayer: positiveInteger(config, 'num_hidden_layers'),
    nHead,
    nKvHead,
    dModel,
    dHead,
    dMlp: positiveInteger(config, 'intermediate_size'),
    nCtx: positiveInteger(config, 'max_position_embeddings'),
    vocabSize: positiveInteger(config, 'vocab_size'),
    eosTokenId: eosOf(config),
    layerNormEpsilon: typeof config['rms_norm_eps'] === 'number' ? (config['rms_norm_eps'] as number) : 1e-6,
  };
}
