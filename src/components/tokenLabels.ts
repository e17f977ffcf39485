import type { TokenInfo } from '../engine/tokenizer';
import type { Trace } from '../engine/trace';

/** A short, safe label for a token: its text with spaces shown as ␣, or the character it helps to spell. */
export function tokenText(token: TokenInfo | undefined): string {
  if (!token) return '?';
  if (token.text !== null) return JSON.stringify(token.text).slice(1, -1).replace(/ /g, '␣');
  return `${token.character ?? ''}…`;
}

/** Labels for every token id the Trace knows (the sequence and each step's labelled candidates). */
export function tokenLabeller(trace: Trace | null): (id: number) => string {
  const known = new Map<number, TokenInfo>();
  for (const token of trace?.tokens ?? []) known.set(token.id, token);
  for (const step of trace?.steps ?? []) for (const token of step.candidateTokens) known.set(token.id, token);
  return (id) => (known.has(id) ? tokenText(known.get(id)) : `#${id}`);
}

/** A token's bytes in hex, as the views show them (`E4 B8`). */
export function hexBytes(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}
