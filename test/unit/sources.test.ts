import { describe, expect, it } from 'vitest';
import { initialSource, parseRepo, sourceFolderUrl, storedFolderUrl } from '../../src/engine/models/sources';

describe('model sources', () => {
  it('builds each source’s URL layout for a repository', () => {
    expect(sourceFolderUrl('huggingface', 'Xenova/gpt2')).toBe('https://huggingface.co/Xenova/gpt2/resolve/main');
    expect(sourceFolderUrl('hf-mirror', 'Xenova/gpt2')).toBe('https://hf-mirror.com/Xenova/gpt2/resolve/main');
    expect(sourceFolderUrl('modelscope', 'onnx-community/Qwen3-0.6B-ONNX')).toBe(
      'https://modelscope.cn/models/onnx-community/Qwen3-0.6B-ONNX/resolve/master',
    );
    expect(sourceFolderUrl('classroom', 'Xenova/gpt2', '/class/hub/')).toBe('/class/hub/Xenova/gpt2/resolve/main');
    expect(sourceFolderUrl('modelscope', 'a/b', '/hub', { modelscope: 'http://127.0.0.1:9/ms/' })).toBe(
      'http://127.0.0.1:9/ms/models/a/b/resolve/master',
    );
  });

  it('stores a repository under one key whatever the source', () => {
    expect(storedFolderUrl('Xenova/gpt2')).toBe('https://huggingface.co/Xenova/gpt2/resolve/main');
  });

  it('reads owner/name and links to it on any source, and refuses anything else', () => {
    expect(parseRepo(' Xenova/gpt2 ')).toBe('Xenova/gpt2');
    expect(parseRepo('https://huggingface.co/Xenova/gpt2/tree/main')).toBe('Xenova/gpt2');
    expect(parseRepo('https://hf-mirror.com/Xenova/gpt2')).toBe('Xenova/gpt2');
    expect(parseRepo('https://www.modelscope.cn/models/onnx-community/Qwen3-0.6B-ONNX/files')).toBe('onnx-community/Qwen3-0.6B-ONNX');
    expect(parseRepo('gpt2')).toBeNull();
    expect(parseRepo('https://evil.example/a/b')).toBeNull();
    expect(parseRepo('a/b/c')).toBeNull();
  });

  it('starts from the link, then the saved choice, then ModelScope for a Chinese page, else the Hub', () => {
    expect(initialSource('classroom', 'hf-mirror', 'zh-CN')).toEqual({ source: 'classroom', reason: 'url' });
    expect(initialSource(null, 'hf-mirror', 'zh-CN')).toEqual({ source: 'hf-mirror', reason: 'saved' });
    expect(initialSource(null, 'bogus', 'zh-CN')).toEqual({ source: 'modelscope', reason: 'locale' });
    expect(initialSource(null, null, 'en')).toEqual({ source: 'huggingface', reason: 'default' });
  });

  it('starts on the classroom server of a class pack, unless the link names a source', () => {
    expect(initialSource(null, 'hf-mirror', 'zh-CN', true)).toEqual({ source: 'classroom', reason: 'classroom' });
    expect(initialSource('modelscope', null, 'en', true)).toEqual({ source: 'modelscope', reason: 'url' });
  });
});
