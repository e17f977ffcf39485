import { describe, expect, it } from 'vitest';
import { isolationStep, type IsolationEnv } from '../../src/app/isolation';

describe('cross-origin isolation', () => {
  const env = (changes: Partial<IsolationEnv>): IsolationEnv => ({
    isolated: false,
    secure: true,
    serviceWorker: 'active',
    reloaded: false,
    touched: false,
    ...changes,
  });

  it('reloads once, through an active service worker, a page nobody has used yet', () => {
    expect(isolationStep(env({}))).toBe('reload');
    expect(isolationStep(env({ isolated: true }))).toBe('isolated');
    expect(isolationStep(env({ serviceWorker: 'pending' }))).toBe('wait');
  });

  it('never reloads twice, nor without a way to know, nor a page in use: it says why there is one thread', () => {
    expect(isolationStep(env({ reloaded: true }))).toBe('not-applied');
    expect(isolationStep(env({ reloaded: null }))).toBe('not-applied');
    expect(isolationStep(env({ touched: true }))).toBe('later');
    expect(isolationStep(env({ secure: false }))).toBe('insecure');
    expect(isolationStep(env({ serviceWorker: 'none' }))).toBe('no-service-worker');
  });
});
