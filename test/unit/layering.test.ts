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

/** Each file's imports: `import … from`, `export … from` and `import('…')` (types and dynamic imports alike), relative
 * ones resolved to a path from the repository root, packages by their name. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1]!);
  return specifiers.map((specifier) => (specifier.startsWith('.') ? relative(ROOT, resolve(dirname(file), specifier)) : specifier));
}

/** Relative imports only (the folders' rules). */
const relativeImportsOf = (file: string) =>
  importsOf(file).filter((target) => !target.startsWith('.') && /^(src|visualizations|test|tools)\//.test(target));

/** Files under `folder` that import one of `packages` (a name, or the start of one). */
function packageImports(folder: string, packages: string[]): string[] {
  return sources(join(ROOT, folder)).flatMap((file) =>
    importsOf(file)
      .filter((target) => packages.some((name) => target === name || target.startsWith(`${name}/`)))
      .map((target) => `${relative(ROOT, file)} → ${target}`),
  );
}

/** Lines of code under `folder` (comments left out) that reach for the page: its document, its window, its elements. */
function domUses(folder: string): string[] {
  return sources(join(ROOT, folder)).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => ({ line: line.replace(/\/\/.*$|\/\*.*?\*\/|^\s*\*.*$/g, ''), i }))
      .filter(({ line }) =>
        /\bwindow\.|\bdocument\.(querySelector|getElement|createElement|body|documentElement)|\bHTML[A-Z]\w*Element\b/.test(line),
      )
      .map(({ i }) => `${relative(ROOT, file)}:${i + 1}`),
  );
}

/** Imports from `folder` that reach outside `allowed` (folders from the repository root). */
function crossings(folder: string, allowed: string[]): string[] {
  return sources(join(ROOT, folder)).flatMap((file) =>
    relativeImportsOf(file)
      .filter((target) => !allowed.some((root) => target === root || target.startsWith(`${root}/`)))
      .map((target) => `${relative(ROOT, file)} → ${target}`),
  );
}

describe('layering', () => {
  it('the engine imports only the engine, no Svelte, and onnxruntime-web in one place; it never touches the page', () => {
    expect(crossings('src/engine', ['src/engine'])).toEqual([]);
    expect(packageImports('src/engine', ['svelte'])).toEqual([]);
    expect(packageImports('src/engine', ['onnxruntime-web'])).toEqual([
      'src/engine/runtime.ts → onnxruntime-web/webgpu',
      'src/engine/runtime.ts → onnxruntime-web/webgpu',
      'src/engine/runtime.ts → onnxruntime-web/wasm',
    ]);
    expect(domUses('src/engine')).toEqual([]);
  });
  it('the renderers import only renderers, and nothing of ONNX or Svelte', () => {
    expect(crossings('visualizations', ['visualizations'])).toEqual([]);
    expect(packageImports('visualizations', ['svelte', 'onnxruntime-web', 'onnx-proto'])).toEqual([]);
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
  it('the checks can fail: an import from above, a type import, a package and a use of the page are found', () => {
    const found = relativeImportsOf(join(ROOT, 'src/flow/nodes.ts'));
    expect(found.some((target) => target.startsWith('src/engine/'))).toBe(true);
    expect(relativeImportsOf(join(ROOT, 'src/components/views/DetailViews.svelte'))).toContain('src/engine/errors');
    expect(packageImports('src/components', ['svelte']).length).toBeGreaterThan(0);
    expect(domUses('src/app').length).toBeGreaterThan(0);
  });
});
