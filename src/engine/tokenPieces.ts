/** Token descriptions for display: pure, so the main thread can use them without loading the tokenizer. */

/** A token as the learner sees it: its id, its raw vocabulary entry (GPT-2 style, `Ġ` for a space), its bytes,
 * and the text it stands for; a token that holds only part of a character (common in Chinese) has `text: null`
 * and `character`, the character its bytes help to spell. */
export interface TokenInfo {
  id: number;
  piece: string;
  bytes: number[];
  text: string | null;
  character: string | null;
}

/** GPT-2's byte ↔ printable-character table, inverted: the byte each vocabulary character stands for. */
const CHAR_TO_BYTE: Map<string, number> = (() => {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const chars = [...printable];
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!printable.includes(b)) {
      printable.push(b);
      chars.push(256 + extra++);
    }
  }
  return new Map(printable.map((byte, i) => [String.fromCodePoint(chars[i]!), byte]));
})();

/** The table the other way round: the vocabulary character that writes each byte. */
const BYTE_TO_CHAR: string[] = (() => {
  const table: string[] = [];
  for (const [char, byte] of CHAR_TO_BYTE) table[byte] = char;
  return table;
})();

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeOrNull(bytes: number[]): string | null {
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

/** Groups tokens whose bytes only together spell whole characters, and names those characters. */
export function describePieces(pieces: { id: number; piece: string }[]): TokenInfo[] {
  return groupPartials(
    pieces.map(({ id, piece }) => {
      const bytes = [...piece].map((char) => CHAR_TO_BYTE.get(char));
      const byteLevel = bytes.every((byte) => byte !== undefined);
      const tokenBytes = byteLevel ? (bytes as number[]) : [...new TextEncoder().encode(piece)];
      return { id, piece, bytes: tokenBytes, text: byteLevel ? decodeOrNull(tokenBytes) : piece, character: null };
    }),
  );
}

/** The same for tokenizers whose vocabulary is raw bytes (tiktoken): the piece is written in GPT-2's byte
 * alphabet (`Ġ` for a space), so every tokenizer's entries read alike; `special` names tokens such as
 * `<|endoftext|>`, shown as their own text. */
export function describeBytes(tokens: { id: number; bytes: Uint8Array | number[]; special?: string }[]): TokenInfo[] {
  return groupPartials(
    tokens.map(({ id, bytes, special }) => {
      const list = [...bytes];
      if (special !== undefined) return { id, piece: special, bytes: list, text: special, character: null };
      return { id, piece: list.map((byte) => BYTE_TO_CHAR[byte]).join(''), bytes: list, text: decodeOrNull(list), character: null };
    }),
  );
}

/** Marks each token whose bytes are only part of a character with the character(s) its run of tokens spells. */
export function groupPartials(infos: TokenInfo[]): TokenInfo[] {
  let start = 0;
  while (start < infos.length) {
    if (infos[start]!.text !== null) {
      start++;
      continue;
    }
    // Extend the group until its bytes decode (at most 4 bytes per character, so a few tokens).
    let end = start + 1;
    let text: string | null = null;
    while (end <= infos.length && end - start <= 8) {
      text = decodeOrNull(infos.slice(start, end).flatMap((info) => info.bytes));
      if (text !== null) break;
      end++;
    }
    for (let i = start; i < Math.min(end, infos.length); i++) infos[i]!.character = text ?? '�';
    start = Math.max(end, start + 1);
  }
  return infos;
}
