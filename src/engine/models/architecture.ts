import type { Architecture, ModelConfig } from './config';

/** What a model family computes differently, as facts the chart, the formulas and the wording read. Nothing else
 * switches on `architecture`: a new family (Qwen2 = Llama + Q/K/V biases; Qwen3 = Llama + a per-head RMSNorm on
 * Q and K before RoPE) is one more row of `TRAITS`. */
export interface ArchitectureTraits {
  norm: 'layernorm' | 'rmsnorm';
  /** A learned table of position vectors added to the embedding, or rotary embeddings applied to Q and K. */
  position: 'learned' | 'rope';
  mlp: 'gelu' | 'swiglu';
  /** One matrix product gives Q, K and V together (GPT-2's c_attn), or three separate projections. */
  fusedQkv: boolean;
  /** Biases on the Q, K, V projections (GPT-2, Qwen2). */
  qkvBias: boolean;
  /** Biases on the attention output projection and the MLP's linear maps (GPT-2). */
  linearBias: boolean;
  /** A per-head RMSNorm on Q and K before RoPE (Qwen3). */
  qkNorm: boolean;
  /** The name the family is known by, for the few sentences that must name it. */
  family: string;
}

const TRAITS: Record<Architecture, ArchitectureTraits> = {
  gpt2: {
    norm: 'layernorm',
    position: 'learned',
    mlp: 'gelu',
    fusedQkv: true,
    qkvBias: true,
    linearBias: true,
    qkNorm: false,
    family: 'GPT-2',
  },
  llama: {
    norm: 'rmsnorm',
    position: 'rope',
    mlp: 'swiglu',
    fusedQkv: false,
    qkvBias: false,
    linearBias: false,
    qkNorm: false,
    family: 'Llama',
  },
  // Qwen2 / Qwen2.5: Llama with biases on the Q, K and V projections (Qwen2Attention's `q_proj`… have `bias=True`).
  qwen2: {
    norm: 'rmsnorm',
    position: 'rope',
    mlp: 'swiglu',
    fusedQkv: false,
    qkvBias: true,
    linearBias: false,
    qkNorm: false,
    family: 'Qwen2',
  },
  // Qwen3: no Q/K/V biases any more, a per-head RMSNorm on Q and K before RoPE instead (`q_norm`, `k_norm`).
  qwen3: {
    norm: 'rmsnorm',
    position: 'rope',
    mlp: 'swiglu',
    fusedQkv: false,
    qkvBias: false,
    linearBias: false,
    qkNorm: true,
    family: 'Qwen3',
  },
};

export const ARCHITECTURES = Object.keys(TRAITS) as Architecture[];

export function traitsOf(config: Pick<ModelConfig, 'architecture'>): ArchitectureTraits {
  return TRAITS[config.architecture];
}

/** Grouped-query attention: fewer key/value heads than query heads, each shared by `nHead / nKvHead` of them. */
export function isGrouped(config: Pick<ModelConfig, 'nHead' | 'nKvHead'>): boolean {
  return config.nKvHead < config.nHead;
}

/** The key/value head that query head `head` reads (both counted from 0): ⌊head · H_kv / H⌋. */
export function kvHeadOf(config: Pick<ModelConfig, 'nHead' | 'nKvHead'>, head: number): number {
  return Math.floor((head * config.nKvHead) / config.nHead);
}
