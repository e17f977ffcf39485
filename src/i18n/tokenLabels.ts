import type { TokenInfo } from '../engine/tokenizer';
import type { Trace } from '../engine/trace';
import { i18n } from './index.svelte';

/** A stop token as a label: what it means, marked as a marker, never the special token's own spelling
 * (`<|endoftext|>`), which reads like text the model wrote. */
export function stopLabel(): string {
  return `⟨${i18n.t('tokens.eos')}⟩`;
}

/** tokenText, with one of the model's `stopIds` as the end-of-text marker. */
export function tokenOrStopText(token: TokenInfo | undefined, stopIds: readonly number[]): string {
  return token && stopIds.includes(token.id) ? stopLabel() : tokenText(token);
}

/** Invisible characters a label writes out: a newline as \n, a tab as \t, other control characters as \u00XX.
 * Quotes and backslashes stay themselves (a label is no string literal: `,"` is shown as `,"`). */
const CONTROL = /[\u0000-\u001f\u007f]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };
const visibleControl = (c: string) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A short, safe label for a token: its text with spaces shown as ␣; a token holding part of a character as its
 * bytes, with the character when its neighbours complete it (`E4 B8 (世)`), never as "�". */
export function tokenText(token: TokenInfo | undefined): string {
  if (!token) return '?';
  if (token.text !== null) return token.text.replace(CONTROL, visibleControl).replace(/ /g, '␣');
  const bytes = hexBytes(token.bytes);
  // (The engine names the character "�" when nothing around the token completes it, as for a lone candidate.)
  return token.character && token.character !== '\ufffd' ? `${bytes} (${token.character})` : bytes;
}

/** Labels for every token id the Trace knows (the sequence and each step's labelled candidates); the model's stop
 * tokens as the end-of-text marker. */
export function tokenLabeller(trace: Trace | null): (id: number) => string {
  const known = new Map<number, TokenInfo>();
  for (const token of trace?.tokens ?? []) known.set(token.id, token);
  for (const step of trace?.steps ?? []) for (const token of step.candidateTokens) known.set(token.id, token);
  const stops = trace?.config.stopTokenIds ?? [];
  return (id) => (stops.includes(id) ? stopLabel() : known.has(id) ? tokenText(known.get(id)) : `#${id}`);
}

/** A token's bytes in hex, as the views show them (`E4 B8`). */
export function hexBytes(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** A run of output text: whole characters, or bytes that spell no character (yet) shown as hex. */
export interface TextPiece {
  text: string;
  bytes: boolean;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** A stop token in the text, shown as a marker; `stop` is the special token's own spelling, for its tooltip. */
export interface StopMarker {
  stop: string;
}

/** Tokens as text (see readableText), with a marker in place of each stop token. */
export function textParts(tokens: readonly TokenInfo[], stopIds: readonly number[]): (TextPiece | StopMarker)[] {
  const parts: (TextPiece | StopMarker)[] = [];
  let from = 0;
  tokens.forEach((token, i) => {
    if (!stopIds.includes(token.id)) return;
    parts.push(...readableText(tokens.slice(from, i).flatMap((t) => t.bytes)), { stop: token.piece });
    from = i + 1;
  });
  parts.push(...readableText(tokens.slice(from).flatMap((t) => t.bytes)));
  return parts;
}

/** Length of the UTF-8 sequence a lead byte starts; 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Decodes bytes as text, never with "�": a byte that is not part of a whole character (a generation that stopped
 * inside one, or a sequence the model made up) becomes a hex piece (`E4 B8`). */
export function readableText(bytes: readonly number[]): TextPiece[] {
  const pieces: TextPiece[] = [];
  const push = (text: string, isBytes: boolean) => {
    const last = pieces[pieces.length - 1];
    if (last && last.bytes === isBytes) last.text += isBytes ? ` ${text}` : text;
    else pieces.push({ text, bytes: isBytes });
  };
  let start = 0;
  let runStart = 0;
  const flush = (end: number) => {
    if (end > runStart) push(strict.decode(new Uint8Array(bytes.slice(runStart, end))), false);
  };
  while (start < bytes.length) {
    const length = sequenceLength(bytes[start]!);
    let whole = length > 0 && start + length <= bytes.length;
    if (whole && length > 1) {
      try {
        strict.decode(new Uint8Array(bytes.slice(start, start + length)));
      } catch {
        whole = false;
      }
    }
    if (whole) {
      start += length;
      continue;
    }
    flush(start);
    push(hexBytes([bytes[start]!]), true);
    start += 1;
    runStart = start;
  }
  flush(start);
  return pieces;
}
