import { GPT2Tokenizer, type PreTrainedTokenizer } from '@xenova/transformers/src/tokenizers.js';
import { EngineError } from './errors';
import { describePieces, type TokenInfo } from './tokenPieces';

export type { TokenInfo };

export class Tokenizer {
  private readonly tokenizer: PreTrainedTokenizer;

  constructor(tokenizerJson: unknown, tokenizerConfig: unknown) {
    try {
      this.tokenizer = new GPT2Tokenizer(tokenizerJson, tokenizerConfig ?? {});
    } catch (error) {
      throw new EngineError('tokenizer-failed', { detail: error instanceof Error ? error.message : String(error) });
    }
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
