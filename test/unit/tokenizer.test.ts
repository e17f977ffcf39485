import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/engine/tokenizer';
import { readJson } from '../model/helpers';

const tokenizer = new Tokenizer(readJson('tokenizer.json'), readJson('tokenizer_config.json'));

describe('tokenizer (the embedded model’s tokenizer.json, loaded from local files)', () => {
  it.each([
    'Once upon a time',
    '从前，小明和小红在公园玩。',
    'Hello 世界 🙂  two  spaces\nand a new line\t tab',
    '<script>alert("x")</script> & <b>bold</b>',
    'é (e + combining acute), עברית, العربية',
  ])('round-trips %j exactly', (text) => {
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('shows spaces as Ġ in pieces and gives each token its bytes', () => {
    const ids = tokenizer.encode('Once upon');
    const infos = tokenizer.describe(ids);
    expect(infos.map((t) => t.text).join('')).toBe('Once upon');
    expect(infos.some((t) => t.piece.startsWith('Ġ'))).toBe(true);
    for (const info of infos) expect(new TextDecoder().decode(new Uint8Array(info.bytes))).toBe(info.text);
  });

  it('marks tokens that hold part of a character with the character they spell', () => {
    const infos = tokenizer.describe(tokenizer.encode('🙂'));
    expect(infos.length).toBeGreaterThan(1); // an emoji outside the corpus falls back to bytes
    for (const info of infos) {
      expect(info.text).toBeNull();
      expect(info.character).toBe('🙂');
    }
    expect(infos.flatMap((info) => info.bytes)).toEqual([...new TextEncoder().encode('🙂')]);
  });
});
