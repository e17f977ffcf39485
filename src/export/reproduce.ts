import template from './check_run.py?raw';
import { reproduceEn } from './reproduce.en';
import { reproduceZhCN } from './reproduce.zh-CN';
import type { Trace } from '../engine/trace';
import type { ActivationRounding, Dtype } from '../engine/models/precision';
import { toleranceFor } from './tolerance';
import { scriptFileName } from './scriptFile';

export { toleranceFor, scriptFileName };

/** Where the model of a run came from, as the script needs it to load the same weights. */
export interface ModelFiles {
  /** The model's name (a Hub repository id, or an embedded model's name). */
  name: string;
  /** The absolute URL the app read the files from (`{url}/config.json`); null: a folder from disk. */
  url: string | null;
  /** The graph file(s) the app ran, relative to `url` (the first holds the weights). */
  graphFiles: readonly string[];
  /** The graph's precision (null: a name that does not say, fp32). */
  dtype: Dtype | null;
  /** The coarsest rounding its activations go through (what the tolerance and the rounding excuse follow). */
  rounding: ActivationRounding;
}

export type ScriptLocale = 'en' | 'zh-CN';

/** A Python string literal (JSON's escapes are Python's). */
function literal(value: string | null): string {
  return value === null ? 'None' : JSON.stringify(value);
}

/** The Python check of a run, in the page's language: it recomputes the run with transformers on the same weights
 * (read from the ONNX file the app ran) and compares every captured tensor and sampled token with the trace file
 * `traceFile` (docs/reproduce.md). Percent-format cells (`# %%`), so it also opens as a notebook. */
export function pythonScript(
  trace: Trace,
  traceFile: string,
  files: ModelFiles,
  locale: ScriptLocale,
  scriptFile = 'check_run.py',
): string {
  const text: Record<string, string> = locale === 'zh-CN' ? reproduceZhCN : reproduceEn;
  const messages: Record<string, string> = {};
  for (const [key, value] of Object.entries(text)) if (key.startsWith('m.')) messages[key.slice(2)] = value;
  const values: Record<string, string> = {
    TRACE_FILE: literal(traceFile),
    MODEL_NAME: literal(files.name),
    FILES_URL: literal(files.url),
    GRAPH_FILES: `[${files.graphFiles.map(literal).join(', ')}]`,
    PRECISION: literal(files.dtype ?? 'fp32'),
    TOLERANCE: String(toleranceFor(files.rounding)),
    ROUNDS: files.rounding === 'float32' ? 'False' : 'True',
    MESSAGES: `{\n${Object.entries(messages)
      .map(([key, value]) => `    ${literal(key)}: ${literal(value)},`)
      .join('\n')}\n}`,
  };
  return template
    .replace(/^( *)# \{\{((?:c|md)\.\w+)\}\}$/gm, (_, indent: string, key: string) => {
      const comment = (text[key] ?? key).replace('{script}', scriptFile);
      return comment
        .split('\n')
        .map((line) => `${indent}# ${line}`.trimEnd())
        .join('\n');
    })
    .replace(/\{\{([A-Z_]+)\}\}/g, (match, name: string) => values[name] ?? match)
    .replace(/^/, `# ${trace.modelName} · ${traceFile}\n`);
}

/** The same check as a Jupyter notebook: one cell per `# %%` section, markdown for `# %% [markdown]`. */
export function pythonNotebook(script: string): string {
  const sections = script.split(/^# %%/m).slice(1);
  const cells = sections.map((section, index) => {
    const markdown = section.startsWith(' [markdown]');
    const body = section
      .replace(/^ \[markdown\]/, '')
      .replace(/^\n/, '')
      .replace(/\n+$/, '');
    const lines = markdown ? body.split('\n').map((line) => line.replace(/^# ?/, '')) : body.split('\n');
    const source = lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line));
    const id = `cell-${index + 1}`;
    return markdown
      ? { cell_type: 'markdown', id, metadata: {}, source }
      : { cell_type: 'code', id, execution_count: null, metadata: {}, outputs: [], source };
  });
  return JSON.stringify(
    {
      cells,
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}
