import { EngineError } from '../errors';

/** What the engine needs to know about a model, read from its Hugging Face `config.json`. */
export interface ModelConfig {
  architecture: 'gpt2';
  nLayer: number;
  nHead: number;
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

/** Parses a GPT-2 family config.json; any missing or malformed field is named in the error. */
export function parseModelConfig(raw: unknown): ModelConfig {
  if (typeof raw !== 'object' || raw === null) throw new EngineError('config-invalid', { field: 'config.json' });
  const config = raw as Record<string, unknown>;
  const modelType = config['model_type'];
  if (typeof modelType !== 'string') throw new EngineError('config-invalid', { field: 'model_type' });
  if (modelType !== 'gpt2') throw new EngineError('architecture-unsupported', { architecture: modelType });
  const nLayer = positiveInteger(config, 'n_layer');
  const nHead = positiveInteger(config, 'n_head');
  const dModel = positiveInteger(config, 'n_embd');
  if (dModel % nHead !== 0) throw new EngineError('config-invalid', { field: 'n_embd' });
  const inner = config['n_inner'];
  const eos = config['eos_token_id'];
  return {
    architecture: 'gpt2',
    nLayer,
    nHead,
    dModel,
    dHead: dModel / nHead,
    dMlp: typeof inner === 'number' && inner > 0 ? inner : 4 * dModel,
    nCtx: positiveInteger(config, 'n_positions', 'n_ctx'),
    vocabSize: positiveInteger(config, 'vocab_size'),
    eosTokenId: typeof eos === 'number' ? eos : null,
    layerNormEpsilon: typeof config['layer_norm_epsilon'] === 'number' ? (config['layer_norm_epsilon'] as number) : 1e-5,
  };
}
