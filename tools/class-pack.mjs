#!/usr/bin/env node
// `npm run class-pack -- --model OWNER/NAME=PATH [--model …] [--dtype q4f16] --out DIR [--app dist]`: one static
// site for a class without internet. DIR gets the built app, each repository folder (as `git clone`,
// `huggingface-cli download` or `modelscope download` leave it) under hub/{owner}/{name}/resolve/main/ with only
// the files the app asks for at the chosen precision, and classroom.json, which makes the app open on the classroom
// source with these models listed first. Every file is checked before anything is written.
import { copyFile, cp, mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, runnerImport } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');
const USAGE = `Usage: npm run class-pack -- --model OWNER/NAME=PATH [--model OWNER/NAME=PATH …] [--dtype DTYPE] --out DIR [--app BUILT_APP]

  --model  a repository folder on disk in the Hugging Face layout (config.json, tokenizer.json, onnx/…),
           and the name the app lists it under
  --dtype  the precision to pack for every model (fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4); without it,
           the one the app picks on WASM (q8), else the smallest the repository holds
  --out    the folder to write the site to (new, empty, or an earlier class pack, which is replaced)
  --app    copy this already built app (e.g. dist/ after npm run build) instead of building it`;

/** A problem with what was asked: said in one line, exit code 1, nothing written. */
class PackError extends Error {}

// The app's own rules (which files a precision needs, what classroom.json holds), from its TypeScript source.
const { module: classroom } = await runnerImport(join(ROOT, 'src/engine/models/classroom.ts'), {
  configFile: false,
  logLevel: 'error',
  root: ROOT,
});

function parseCommandLine(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string', multiple: true },
        dtype: { type: 'string' },
        out: { type: 'string' },
        app: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new PackError(`${error.message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!values.model?.length) throw new PackError('Name at least one model: --model OWNER/NAME=PATH');
  if (!values.out) throw new PackError('Name the folder to write the site to: --out DIR');
  if (values.dtype !== undefined && !classroom.isDtype(values.dtype)) {
    throw new PackError(`Unknown precision "${values.dtype}": use one of ${classroom.DTYPES.join(', ')}`);
  }
  const models = values.model.map((spec) => {
    const at = spec.indexOf('=');
    const repo = at > 0 ? classroom.parseRepo(spec.slice(0, at)) : null;
    if (!repo || repo !== spec.slice(0, at) || at === spec.length - 1)
      throw new PackError(`--model ${spec}: write it as OWNER/NAME=PATH (for example Xenova/gpt2=./gpt2)`);
    return { repo, path: resolve(spec.slice(at + 1)) };
  });
  const repeated = models.find((model, index) => models.findIndex((other) => other.repo === model.repo) !== index);
  if (repeated) throw new PackError(`${repeated.repo} is named twice`);
  return { models, dtype: values.dtype ?? null, out: resolve(values.out), app: values.app ? resolve(values.app) : null };
}

/** Every file under a folder, as repository paths (`onnx/model.onnx`) with sizes; git's own files left out. */
async function walk(folder, prefix = '') {
  const files = [];
  for (const entry of await readdir(join(folder, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.name === '.git' || entry.name === '.cache') continue; // git, and huggingface-cli's download metadata
    if (entry.isDirectory()) files.push(...(await walk(folder, path)));
    else if (entry.isFile() || entry.isSymbolicLink()) {
      const info = await stat(join(folder, path)).catch(() => null); // huggingface-cli's cache links to blobs
      if (info?.isFile()) files.push({ path, size: info.size });
    }
  }
  return files;
}

const LFS_POINTER = 'version https://git-lfs.github.com/spec/';

/** Whether a file is a Git LFS pointer (a `git clone` without git-lfs leaves these where the large files belong). */
async function isLfsPointer(path) {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(LFS_POINTER.length), 0, LFS_POINTER.length, 0);
    return buffer.subarray(0, bytesRead).toString('latin1') === LFS_POINTER;
  } finally {
    await handle.close();
  }
}

/** What one repository's pack holds: its precision, files and bytes; or the reasons it cannot be packed. */
async function planModel({ repo, path }, requested) {
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) return { repo, problems: [`${path} is not a folder`] };
  const files = await walk(path);
  const sizes = new Map(files.map((file) => [file.path, file.size]));
  const dtype = classroom.packDtype(requested, files);
  if (!dtype)
    return {
      repo,
      problems: [
        `no ONNX graph the app can run in ${join(path, 'onnx')} (it needs onnx/model.onnx, model_q4f16.onnx, … as transformers.js repositories have)`,
      ],
    };
  const pointers = [];
  const folder = {
    has: (file) => sizes.has(file),
    read: async (file) => {
      if (await isLfsPointer(join(path, file))) {
        pointers.push(file);
        return new Uint8Array(0);
      }
      return readFile(join(path, file));
    },
  };
  const plan = await classroom.planPack(folder, dtype);
  for (const file of plan.files) if (!pointers.includes(file) && (await isLfsPointer(join(path, file)))) pointers.push(file);
  const problems = [];
  if (plan.missing.length)
    problems.push(
      `missing ${plan.missing.join(', ')} in ${path} (the app needs ${plan.missing.length > 1 ? 'them' : 'it'} to load this model at ${dtype})`,
    );
  if (pointers.length)
    problems.push(
      `${pointers.join(', ')} ${pointers.length > 1 ? 'are Git LFS pointers' : 'is a Git LFS pointer'}, not the file itself: run "git lfs pull" in ${path}`,
    );
  if (plan.problem) problems.push(`the app cannot read its config.json (${plan.problem})`);
  const bytes = plan.files.reduce((sum, file) => sum + sizes.get(file), 0);
  return { repo, path, dtype, files: plan.files, bytes, problems };
}

/** Whether `path` is `folder` or inside it. */
function within(folder, path) {
  const rest = relative(folder, path);
  return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest));
}

/** The folder to write to must be new, empty, or an earlier class pack (or build) of this app: nothing else is
 * deleted. */
async function checkOut(out, app) {
  if (app && (within(app, out) || within(out, app))) throw new PackError(`--out ${out} and --app ${app} must be separate folders`);
  const entries = await readdir(out).catch(() => null);
  const earlierPack = entries?.includes(classroom.CLASSROOM_SETTINGS_FILE) && entries.includes('index.html');
  if (entries?.length && !earlierPack) {
    throw new PackError(`${out} is not empty and is not an earlier class pack: name a new folder with --out`);
  }
}

/** The built app into `out`: copied from `app` (its own hub/ and classroom.json left behind), or built by Vite. */
async function writeApp(out, app) {
  await rm(out, { recursive: true, force: true });
  if (app) {
    if (!existsSync(join(app, 'index.html')) || !existsSync(join(app, 'sw.js')))
      throw new PackError(`${app} is not a built app (no index.html and sw.js): run npm run build, or leave --app out`);
    await cp(app, out, {
      recursive: true,
      filter: (source) => !['hub', classroom.CLASSROOM_SETTINGS_FILE].includes(relative(app, source)),
    });
    return;
  }
  await build({ root: ROOT, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
}

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

async function main() {
  const { models, dtype, out, app } = parseCommandLine(process.argv.slice(2));
  const plans = [];
  for (const model of models) plans.push(await planModel(model, dtype));
  const failed = plans.filter((plan) => plan.problems.length);
  if (failed.length) {
    for (const plan of failed) for (const problem of plan.problems) console.error(`${plan.repo}: ${problem}`);
    throw new PackError(`No class pack written: ${failed.length} of ${plans.length} model${plans.length > 1 ? 's' : ''} cannot be packed.`);
  }
  await checkOut(out, app);
  console.log(app ? `Copying the app from ${app}…` : 'Building the app…');
  await writeApp(out, app);
  for (const plan of plans) {
    const target = join(out, 'hub', plan.repo, 'resolve/main');
    for (const file of plan.files) {
      await mkdir(dirname(join(target, file)), { recursive: true });
      await copyFile(join(plan.path, file), join(target, file));
    }
    console.log(`${plan.repo} (${plan.dtype}, ${megabytes(plan.bytes)}): ${plan.files.join(', ')}`);
  }
  const settings = {
    about: 'Written by npm run class-pack: the app opens on the classroom source (hub/ on this site) with these models listed first.',
    models: plans.map(({ repo, dtype: packed, bytes }) => ({ repo, dtype: packed, bytes })),
  };
  await writeFile(join(out, classroom.CLASSROOM_SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
  console.log(`\nClass pack written to ${out}. Serve that folder with any static web server, for example:
  python3 -m http.server --directory ${within(process.cwd(), out) ? relative(process.cwd(), out) || '.' : out} 8000
and open http://localhost:8000/ (other computers need HTTPS for offline use and threads; see the README).`);
}

try {
  await main();
} catch (error) {
  if (!(error instanceof PackError)) throw error;
  console.error(error.message);
  process.exit(1);
}
