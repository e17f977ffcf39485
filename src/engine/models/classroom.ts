/** A class pack: the app and some repositories on one static site, for a class without internet (`npm run
 * class-pack`, tools/class-pack.mjs). The repositories sit where the classroom source reads them
 * (`hub/{owner}/{name}/resolve/main/…`), each with one precision only, and `classroom.json` at the site's root
 * tells the app to open on the classroom source with them listed first. This module is shared by the command
 * (which decides what to copy) and the page (which reads the settings), so both follow the loader's own rules. */
import { parseModelConfig } from './config';
import { externalDataLocations, externalDataPath } from './externalData';
import { defaultChoice, precisionChoices, SHARED_FILES, type RepoFile } from './listing';
import { defaultDtype, DTYPE_FILES, hubGraphChoices, isDtype, type Dtype } from './precision';
import { parseRepo } from './sources';

// For the command, which loads this module alone.
export { DTYPES, isDtype } from './precision';
export { parseRepo } from './sources';

/** The settings file at the site's root. */
export const CLASSROOM_SETTINGS_FILE = 'classroom.json';

export interface ClassroomModel {
  repo: string;
  /** The one precision the pack holds. */
  dtype: Dtype;
  /** Graph, external data, config and tokenizer together. */
  bytes: number;
}

export interface ClassroomSettings {
  models: ClassroomModel[];
}

/** The settings a class pack's `classroom.json` holds; null for anything else (a missing file answered with a web
 * page, a file from another tool). Models with an unknown name or precision are left out. */
export function parseClassroomSettings(json: unknown): ClassroomSettings | null {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { models?: unknown }).models)) return null;
  const models: ClassroomModel[] = [];
  for (const entry of (json as { models: unknown[] }).models) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { repo, dtype, bytes } = entry as { repo?: unknown; dtype?: unknown; bytes?: unknown };
    const name = typeof repo === 'string' ? parseRepo(repo) : null;
    if (!name || name !== repo || !isDtype(dtype) || models.some((model) => model.repo === name)) continue;
    models.push({ repo: name, dtype, bytes: typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0 ? bytes : 0 });
  }
  return { models };
}

/** The precision to pack: the one asked for, else the one the app would pick on WASM (the backend every classroom
 * computer has), falling back as the app does to the smallest the repository holds. Null when it holds no graph
 * the app can run. */
export function packDtype(requested: Dtype | null, files: readonly RepoFile[]): Dtype | null {
  if (requested) return requested;
  return defaultChoice(precisionChoices(files), defaultDtype('wasm', false))?.dtype ?? null;
}

/** A repository on disk, as the command reads it. */
export interface RepoFolder {
  has(path: string): boolean;
  read(path: string): Promise<Uint8Array>;
}

/** What a pack of one repository holds, or lacks. `problem`: config.json is there but the app cannot read it. */
export interface PackPlan {
  files: string[];
  missing: string[];
  problem: string | null;
}

/** The loader reads these besides the graph; without this one it goes on (folder.ts, readFolder). */
const OPTIONAL_FILES: readonly string[] = ['tokenizer_config.json'];

/** Every file the app asks for when it loads the repository at `dtype` from the classroom source, as the loader
 * asks (folder.ts): config and tokenizer, the first of the precision's graph choices that exists (Optimum's
 * layout, for fp32, is two graphs), and the external data each graph's initializers name. Missing files are all
 * listed, not only the first; a missing optional file is neither copied nor missing. */
export async function planPack(folder: RepoFolder, dtype: Dtype): Promise<PackPlan> {
  const files: string[] = [];
  const missing: string[] = [];
  let problem: string | null = null;
  for (const file of SHARED_FILES) {
    if (folder.has(file)) files.push(file);
    else if (!OPTIONAL_FILES.includes(file)) missing.push(file);
  }
  if (folder.has('config.json')) {
    try {
      parseModelConfig(JSON.parse(new TextDecoder().decode(await folder.read('config.json'))));
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
  }
  const choice = hubGraphChoices(dtype, dtype).find(({ file, stepFile }) => folder.has(file) && (!stepFile || folder.has(stepFile)));
  if (!choice) missing.push(DTYPE_FILES[dtype]);
  for (const graph of choice ? [choice.file, ...(choice.stepFile ? [choice.stepFile] : [])] : []) {
    files.push(graph);
    for (const location of externalDataLocations(await folder.read(graph))) {
      const path = externalDataPath(graph, location);
      if (files.includes(path) || missing.includes(path)) continue;
      (folder.has(path) ? files : missing).push(path);
    }
  }
  return { files, missing, problem };
}
