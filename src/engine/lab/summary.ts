/** What one tokenizer made of a text, in the numbers the lab compares. Pure: used in the lab worker and, for the
 * loaded model's tokenizer (which lives in the engine worker), on the page. */

export interface SplitSummary {
  tokens: number;
  /** Unicode characters (code points) of the text. */
  characters: number;
  /** UTF-8 bytes of the text. */
  bytes: number;
  /** Characters that no single token holds: their bytes are spread over two or more tokens. */
  splitCount: number;
  /** The first of those characters, each once, in order (for the highlight). */
  splitExamples: string[];
}

const MAX_EXAMPLES = 8;

/** Length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte, so the walk moves on). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** Counts the characters cut by a token boundary. Works on the tokens' own bytes (not the text), so it stays
 * right when a tokenizer normalizes the text first (Qwen3 applies NFC). */
export function splitCharacters(tokens: readonly { bytes: readonly number[] }[]): { count: number; examples: string[] } {
  const stream: number[] = [];
  const boundaries = new Set<number>();
  for (const token of tokens) {
    for (const byte of token.bytes) stream.push(byte);
    boundaries.add(stream.length);
  }
  const decoder = new TextDecoder();
  const examples: string[] = [];
  let count = 0;
  for (let start = 0; start < stream.length;) {
    const end = Math.min(start + sequenceLength(stream[start]!), stream.length);
    let cut = false;
    for (let inside = start + 1; inside < end; inside++) if (boundaries.has(inside)) cut = true;
    if (cut) {
      count++;
      const character = decoder.decode(new Uint8Array(stream.slice(start, end)));
      if (examples.length < MAX_EXAMPLES && !examples.includes(character)) examples.push(character);
    }
    start = end;
  }
  return { count, examples };
}

export function summarize(text: string, tokens: readonly { bytes: readonly number[] }[]): SplitSummary {
  const split = splitCharacters(tokens);
  return {
    tokens: tokens.length,
    characters: [...text].length,
    bytes: new TextEncoder().encode(text).length,
    splitCount: split.count,
    splitExamples: split.examples,
  };
}

/** Characters or bytes per token, to three significant digits (as every number on screen); "–" for no tokens. */
export function perToken(amount: number, tokens: number): string {
  return tokens > 0 ? (amount / tokens).toPrecision(3) : '–';
}
