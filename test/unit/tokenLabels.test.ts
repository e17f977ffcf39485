import { describe, expect, it } from 'vitest';
import { readableText, textParts, tokenLabeller, tokenOrStopText, tokenText } from '../../src/i18n/tokenLabels';
import { i18n } from '../../src/i18n/index.svelte';
import type { Trace } from '../../src/engine/trace';

const utf8 = (text: string) => [...new TextEncoder().encode(text)];

describe('readableText: output text without “�”', () => {
  it('keeps whole text as one piece', () => {
    expect(readableText(utf8('Hello 世界 🙂'))).toEqual([{ text: 'Hello 世界 🙂', bytes: false }]);
  });

  it('shows a character cut off at the end as its bytes', () => {
    const bytes = [...utf8('从前'), ...utf8('世').slice(0, 2)];
    expect(readableText(bytes)).toEqual([
      { text: '从前', bytes: false },
      { text: 'E4 B8', bytes: true },
    ]);
  });

  it('shows stray bytes in the middle as bytes, then goes on with the text', () => {
    const bytes = [...utf8('a'), 0x96, 0xff, ...utf8('b世')];
    expect(readableText(bytes)).toEqual([
      { text: 'a', bytes: false },
      { text: '96 FF', bytes: true },
      { text: 'b世', bytes: false },
    ]);
    expect(
      readableText(bytes)
        .map((piece) => piece.text)
        .join(''),
    ).not.toContain('\ufffd');
  });
});

describe('tokenText: candidate and axis labels', () => {
  const partial = (character: string | null) => ({ id: 1, piece: 'ä¸', bytes: [0xe4, 0xb8], text: null, character });
  it('shows a piece of a character as its bytes, with the character when known', () => {
    expect(tokenText(partial('世'))).toBe('E4 B8 (世)');
    expect(tokenText(partial('\ufffd'))).toBe('E4 B8');
    expect(tokenText(partial(null))).toBe('E4 B8');
  });

  it('writes out invisible characters, and shows quotes and backslashes as they are', () => {
    const whole = (text: string) => ({ id: 1, piece: text, bytes: utf8(text), text, character: null });
    expect(tokenText(whole(',"'))).toBe(',"');
    expect(tokenText(whole('a\\b'))).toBe('a\\b');
    expect(tokenText(whole(' the'))).toBe('␣the');
    expect(tokenText(whole('\n\t\u0001'))).toBe('\\n\\t\\u0001');
  });
});

describe('end of text: a marker, never the special token spelled out', () => {
  const token = (id: number, text: string) => ({ id, piece: text, bytes: utf8(text), text, character: null });
  const eos = token(8191, '<|endoftext|>');
  const tokens = [token(1, 'Hi'), token(2, '.'), eos];

  it('the text puts a marker where a stop token is, with the token kept for its tooltip', () => {
    expect(textParts(tokens, [8191])).toEqual([{ text: 'Hi.', bytes: false }, { stop: '<|endoftext|>' }]);
    // A stop token the prompt itself contains splits the text there.
    expect(textParts([eos, ...tokens], [8191])).toEqual([
      { stop: '<|endoftext|>' },
      { text: 'Hi.', bytes: false },
      { stop: '<|endoftext|>' },
    ]);
    // Without the model's stop ids (the tokenizer lab's own tokenizers) the token is text like any other.
    expect(textParts(tokens, []).map((part) => ('text' in part ? part.text : ''))).toEqual(['Hi.<|endoftext|>']);
  });

  it("labels (candidates, chart boxes) say “end of text” in the learner's language", () => {
    const trace = { tokens, steps: [], config: { stopTokenIds: [8191] } } as unknown as Trace;
    const label = tokenLabeller(trace);
    try {
      i18n.locale = 'en';
      expect([label(8191), label(1), tokenOrStopText(eos, [8191]), tokenText(eos)]).toEqual([
        '⟨end of text⟩',
        'Hi',
        '⟨end of text⟩',
        '<|endoftext|>',
      ]);
      i18n.locale = 'zh-CN';
      expect(label(8191)).toBe('⟨文本结束⟩');
    } finally {
      i18n.locale = 'en';
    }
  });
});
