// Chinese strings put a space between Han and Latin letters or digits: in the templates, and where a value is filled
// in next to Han text.
import { describe, expect, it } from 'vitest';
import { translator, zhCN } from '../../src/i18n/index.svelte';
import { labZhCN } from '../../src/i18n/lab.zh-CN';
import { lessonZhCN } from '../../src/i18n/lesson.zh-CN';
import { spacedValue, unspacedMixedScript } from '../../src/i18n/spacing';

describe('mixed-script spacing in zh-CN', () => {
  it('no template puts Han text right against Latin letters or digits', () => {
    for (const catalog of [zhCN, labZhCN, lessonZhCN] as Record<string, string>[]) {
      for (const [key, text] of Object.entries(catalog)) expect(unspacedMixedScript(text), key).toEqual([]);
    }
    expect(unspacedMixedScript('在魔搭ModelScope上')).toEqual(['搭M', 'e上']);
  });

  it('a value filled in next to Han text is spaced from it, never changed inside', () => {
    const zh = translator('zh-CN');
    expect(zh('hub.listing', { source: 'Hugging Face', repo: 'Xenova/gpt2' })).toBe('正在向 Hugging Face 查询 Xenova/gpt2 的文件……');
    expect(zh('hub.listedProbe', { source: '魔搭 ModelScope', repo: 'a/b' })).toMatch(/^a\/b 在魔搭 ModelScope 上的文件：/);
    expect(zh('hub.listNotFound', { source: '课堂服务器', repo: 'a/b' })).toMatch(/^课堂服务器上没有仓库 a\/b/);
    expect(spacedValue('是', '7', '。')).toBe(' 7');
    expect(spacedValue('“', 'ab', '”')).toBe('ab');
    expect(spacedValue('给', 'a小明b', '的')).toBe(' a小明b ');
    expect(translator('en')('hub.listing', { source: 'Hugging Face', repo: 'a/b' })).not.toMatch(/ {2}/);
  });
});
