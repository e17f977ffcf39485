// The layering the code relies on, checked from the imports themselves: the engine knows nothing above it, the
// renderers nothing of the app, and the strings nothing but the model facts they describe.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

/** Each file's imports (relative ones, resolved to a path from the repository root). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((match) =>
    relative(ROOT, resolve(dirname(file), match[1]!)),
  );
}

/** Imports from `folder` that reach outside `allowed` (folders from the repository root). */
function crossings(folder: string, allowed: string[]): string[] {
  return sources(join(ROOT, folder)).flatMap((file) =>
    importsOf(file)
      .filter((target) => !allowed.some((root) => target === root || target.startsWith(`${root}/`)))
      .map((target) => `${relative(ROOT, file)} → ${target}`),
  );
}

describe('layering', () => {
  it('the engine imports only the engine', () => {
    expect(crossings('src/engine', ['src/engine'])).toEqual([]);
  });
  it('the renderers import only renderers', () => {
    expect(crossings('visualizations', ['visualizations'])).toEqual([]);
  });
  it('the strings import only strings and the engine’s model facts', () => {
    expect(crossings('src/i18n', ['src/i18n', 'src/engine'])).toEqual([]);
  });
  it('the Python export imports only itself and the engine', () => {
    expect(crossings('src/export', ['src/export', 'src/engine'])).toEqual([]);
  });
  it('the page’s state imports no component', () => {
    expect(crossings('src/app', ['src/app', 'src/engine', 'src/flow', 'src/i18n', 'src/lesson', 'src/export', 'visualizations'])).toEqual(
      [],
    );
  });
  it('the flow chart, the lesson and the Python export know nothing of the page’s state or its components', () => {
    for (const folder of ['src/flow', 'src/lesson', 'src/export']) {
      expect(crossings(folder, ['src/engine', 'src/flow', 'src/i18n', 'src/lesson', 'src/export', 'visualizations'])).toEqual([]);
    }
  });
  it('src/components holds Svelte components only (and the attachment that hands them their elements)', () => {
    const others = sources(join(ROOT, 'src/components'))
      .filter((file) => !file.endsWith('.svelte'))
      .map((file) => relative(ROOT, file));
    expect(others).toEqual(['src/components/views/attach.svelte.ts']);
  });
  it('the check can fail: an import from above is found', () => {
    const found = importsOf(join(ROOT, 'src/flow/nodes.ts'));
    expect(found.some((target) => target.startsWith('src/engine/'))).toBe(true);
  });
});
