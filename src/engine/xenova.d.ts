// The deep import keeps the worker bundle to the tokenizer code (not the whole of transformers.js' models).
declare module '@xenova/transformers/src/tokenizers.js' {
  export class PreTrainedTokenizer {
    constructor(tokenizerJSON: unknown, tokenizerConfig: unknown);
    encode(text: string, textPair?: string | null, options?: { add_special_tokens?: boolean }): number[];
    decode(ids: number[], options?: { skip_special_tokens?: boolean; clean_up_tokenization_spaces?: boolean }): string;
    model: { convert_ids_to_tokens(ids: number[]): string[]; vocab: string[] };
  }
  export class GPT2Tokenizer extends PreTrainedTokenizer {}
}
