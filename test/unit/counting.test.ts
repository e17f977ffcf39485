// One way of counting: every message that names a layer, head, position, query, key or step is given the learner's
// count (from 1), never the Trace's index (from 0). Read from the source: each call that fills such a message
// must pass its index through `counted` (or visibly add the 1).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COUNTED_PARAMS, counted } from '../../src/i18n/counting';
import { en, zhCN } from '../../src/i18n/index.svelte';
import { labEn } from '../../src/i18n/lab.en';
import { labZhCN } from '../../src/i18n/lab.zh-CN';
import { lessonEn } from '../../src/i18n/lesson.en';
import { lessonZhCN } from '../../src/i18n/lesson.zh-CN';
import { kvHeadOf } from '../../src/engine/models/architecture';

const root = join(__dirname, '../..');
const catalogs: Record<string, string>[] = [en, zhCN, labEn, labZhCN, lessonEn, lessonZhCN];

/** Parameters that hold one counted item though their name does not say so (the two positions of a token, a range
 * of heads or positions). */
const COUNTED_BY_KEY: Record<string, string[]> = {
  'lesson.embedding.same.ask': ['a', 'b'],
  'lesson.embedding.same.embed': ['a', 'b'],
  'lesson.embedding.same.resid': ['a', 'b'],
  'lesson.embedding.same.position': ['a', 'b'],
  'views.attention.kvHead': ['first', 'last'],
  'views.difference.shown': ['last'],
  'views.difference.tokensDiffer': ['positions'],
};

/** The counted parameters of a message, in either language. */
function countedParams(key: string): string[] {
  const names = new Set<string>(COUNTED_BY_KEY[key] ?? []);
  for (const catalog of catalogs) {
    for (const [, name] of (catalog[key] ?? '').matchAll(/\{(\w+)\}/g))
      if ((COUNTED_PARAMS as readonly string[]).includes(name!)) names.add(name!);
  }
  return [...names];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

/** The index of the quote that closes the string (or template literal) opened at `open`. */
function stringEnd(source: string, open: number): number {
  const quote = source[open];
  let i = open + 1;
  for (; i < source.length && source[i] !== quote; i++) {
    if (source[i] === '\\') i++;
    else if (quote === '`' && source[i] === '$' && source[i + 1] === '{') i = closing(source, i + 1);
  }
  return i;
}

/** The index of the bracket that closes the one at `open`, skipping strings and template literals. */
function closing(source: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === "'" || c === '"' || c === '`') i = stringEnd(source, i);
    else if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i;
    }
  }
  return source.length;
}

/** Top-level pieces of a list between brackets, split at its commas. */
function pieces(inner: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === "'" || c === '"' || c === '`') i = stringEnd(inner, i);
    else if ('([{'.includes(c)) i = closing(inner, i);
    else if (c === ',') {
      out.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(inner.slice(start).trim());
  return out.filter(Boolean);
}

/** The properties of an object literal (`{ name: value, short, ...spread }`): name → value expression. */
function properties(literal: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const piece of pieces(literal.slice(1, -1))) {
    const match = /^(\w+)\s*(?::\s*([\s\S]*))?$/.exec(piece);
    if (match) map.set(match[1]!, match[2] ?? match[1]!);
  }
  return map;
}

/** An object literal a variable is set to in the same file (`const params = { … }`), if any. */
function literalOf(source: string, name: string): string | null {
  const found = new RegExp(`\\b(?:const|let)\\s+${name}\\s*=\\s*\\{`).exec(source);
  if (!found) return null;
  const open = found.index + found[0].length - 1;
  return source.slice(open, closing(source, open) + 1);
}

interface Use {
  file: string;
  keys: string;
  param: string;
  value: string;
}

/** Every call that fills a message (i18n.t, a Translate `t`, the lesson's say/text) with a counted parameter. */
function countedUses(): Use[] {
  const uses: Use[] = [];
  for (const path of sourceFiles(join(root, 'src'))) {
    const source = readFileSync(path, 'utf8');
    for (const call of source.matchAll(/(?:\bi18n\.t|\bsay|\btext|(?<![\w.$])t)\(/g)) {
      const open = call.index + call[0].length - 1;
      const args = pieces(source.slice(open + 1, closing(source, open)));
      if (args.length < 2) continue;
      const keys = [...args[0]!.matchAll(/'([\w.-]+)'/g)].map((m) => m[1]!).filter((key) => catalogs.some((catalog) => key in catalog));
      // A key chosen at run time: any parameter whose name says it counts.
      const names = keys.length ? [...new Set(keys.flatMap(countedParams))] : [...COUNTED_PARAMS];
      const params = args[1]!.startsWith('{') ? args[1]! : /^\w+$/.test(args[1]!) ? literalOf(source, args[1]!) : null;
      if (!params || names.length === 0) continue;
      const values = properties(params);
      for (const name of names) {
        const value = values.get(name);
        if (value !== undefined) uses.push({ file: relative(root, path), keys: keys.join(' | ') || args[0]!, param: name, value });
      }
    }
  }
  return uses;
}

/** A counted value: through `counted`, 1 added in sight, or a lesson stage (after layer `stage`, from 1 by type). */
const isCounted = (value: string) => /\bcounted\b/.test(value) || /\+ 1\b/.test(value) || /\.stage$/.test(value);

describe('one way of counting', () => {
  it('counted() is the learner’s count: the first index is number 1', () => {
    expect(counted(0)).toBe(1);
    expect([0, 1, 2, 3].map(counted)).toEqual([1, 2, 3, 4]);
  });

  it('every message with a layer, head, position, query, key or step parameter is given a counted value', () => {
    const uses = countedUses();
    // The scan finds the calls it must check (a broken scan would pass by finding none).
    expect(uses.length).toBeGreaterThan(30);
    for (const file of [
      'src/components/NodeDetail.svelte',
      'src/components/NextTokenPanel.svelte',
      'src/components/views/AttentionView.svelte',
      'src/lesson/questions.ts',
    ]) {
      expect(
        uses.some((use) => use.file === file),
        file,
      ).toBe(true);
    }
    const wrong = uses.filter((use) => !isCounted(use.value)).map((use) => `${use.file}: ${use.keys} {${use.param}} = ${use.value}`);
    expect(wrong).toEqual([]);
  });

  it('no message tells the learner to count from 0', () => {
    for (const catalog of catalogs) {
      for (const [key, text] of Object.entries(catalog))
        expect(text, key).not.toMatch(/(counting|counted|numbered) from 0|从 ?0 (数|开始计|编号)/);
    }
  });

  it('query head h reads key/value head ⌈h · H_kv / H⌉ when both count from 1, as the texts and the formula say', () => {
    for (const [nHead, nKvHead] of [
      [8, 2],
      [12, 4],
      [14, 2],
      [4, 4],
      [32, 8],
    ] as const) {
      for (let h = 1; h <= nHead; h++)
        expect(Math.ceil((h * nKvHead) / nHead), `${h} of ${nHead}/${nKvHead}`).toBe(counted(kvHeadOf({ nHead, nKvHead }, h - 1)));
    }
  });
});
