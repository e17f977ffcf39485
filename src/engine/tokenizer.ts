import { GPT2Tokenizer, type PreTrainedTokenizer } from '@xenova/transformers/src/tokenizers.js';
import { EngineError } from './errors';
import { describePieces, type TokenInfo } from './tokenPieces';

export type { TokenInfo };

/** Newer `tokenizer.json` files (Qwen3's, DeepSeek-V3's, files saved by newer `tokenizers` releases) store each BPE
 * merge as a pair (`["Ġ", "t"]`); @xenova/transformers 2.17.2 only reads the older `"Ġ t"` strings and fails with
 * `x.split is not a function`. Joining each pair with a space gives the reference tokenizer's ids (docs/runtime-notes.md, "Tokenizer").
 * Returns the JSON unchanged when there is nothing to join. */
export function withMergesAsStrings(tokenizerJson: unknown): unknown {
  const model = (tokenizerJson as { model?: { merges?: unknown } } | null)?.model;
  if (!model || !Array.isArray(model.merges) || !model.merges.some(Array.isArray)) return tokenizerJson;
  const merges = model.merges.map((merge: unknown) => (Array.isArray(merge) ? merge.join(' ') : merge));
  return { ...(tokenizerJson as object), model: { ...model, merges } };
}

export class Tokenizer {
  private readonly tokenizer: PreTrainedTokenizer;

  constructor(tokenizerJson: unknown, tokenizerConfig: unknown) {
    try {
      this.tokenizer = new GPT2Tokenizer(withMergesAsStrings(tokenizerJson), tokenizerConfig ?? {});
    } catch (error) {
      throw new EngineError('tokenizer-failed', { detail: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Entries in the vocabulary, special tokens included. */
  get vocabSize(): number {
    return this.tokenizer.model.vocab.length;
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, null, { add_special_tokens: false });
  }

  decode(ids: number[]): string {
    return this.tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  describe(ids: number[]): TokenInfo[] {
    const pieces = this.tokenizer.model.convert_ids_to_tokens(ids);
    return describePieces(ids.map((id, i) => ({ id, piece: pieces[i] ?? '' })));
  }
}
