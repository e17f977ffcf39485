// The downloaded Python check's text (src/export/reproduce.ts): the script for a run is the checked-in golden copy
// (both languages), valid Python, and the notebook holds the same code cell by cell. Whether the script's numbers
// agree is the model test's (test/model/reproduce.test.ts, where a Python venv exists). After changing the template
// or its strings on purpose: UPDATE_GOLDEN=1 npx vitest run test/unit/reproduce.test.ts
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pythonNotebook, pythonScript, scriptFileName, toleranceFor, type ModelFiles } from '../../src/export/reproduce';
import { reproduceEn } from '../../src/export/reproduce.en';
import { reproduceZhCN } from '../../src/export/reproduce.zh-CN';
import type { Trace } from '../../src/engine/trace';

const trace = { modelName: 'onnx-community/Qwen3-0.6B-ONNX' } as Trace;
const files: ModelFiles = {
  name: 'onnx-community/Qwen3-0.6B-ONNX',
  url: 'https://hf-mirror.com/onnx-community/Qwen3-0.6B-ONNX/resolve/main',
  graphFiles: ['onnx/model_q4f16.onnx'],
  dtype: 'q4f16',
  rounding: 'float16',
};
const traceFile = 'trace-onnx-community_Qwen3-0.6B-ONNX-A-1765000000000.json';
const golden = (locale: string) => resolve(__dirname, `../fixtures/check_run.${locale}.golden.py`);
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('the Python check of a run', () => {
  it.each(['en', 'zh-CN'] as const)('%s: is the golden copy, every placeholder filled', (locale) => {
    const script = pythonScript(trace, traceFile, files, locale, scriptFileName(traceFile, 'py'));
    if (process.env['UPDATE_GOLDEN']) writeFileSync(golden(locale), script);
    expect(existsSync(golden(locale)), 'the golden copy is checked in').toBe(true);
    expect(script).toBe(readFileSync(golden(locale), 'utf8'));
    expect(script).not.toMatch(/\{\{/);
    expect(script).toContain(`TRACE_FILE = "${traceFile}"`);
    expect(script).toContain('FILES_URL = "https://hf-mirror.com/onnx-community/Qwen3-0.6B-ONNX/resolve/main"');
    expect(script).toContain('GRAPH_FILES = ["onnx/model_q4f16.onnx"]');
    expect(script).toContain('TOLERANCE = 0.02');
    expect(script).toContain('ROUNDING = True');
    // Comments in the page's language.
    expect(script).toContain(locale === 'zh-CN' ? '# 读取轨迹' : '# Read the trace');
  });

  it.skipIf(!hasPython)('is valid Python in both languages', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], {
        input: pythonScript(trace, traceFile, files, locale),
        encoding: 'utf8',
      });
      expect(parsed.stderr).toBe('');
      expect(parsed.status).toBe(0);
    }
  });

  it('a folder from disk has no URL: the script asks for --model-dir', () => {
    const script = pythonScript(trace, traceFile, { ...files, url: null }, 'en');
    expect(script).toContain('FILES_URL = None');
  });

  it('the notebook is the script, one cell per section', () => {
    const script = pythonScript(trace, traceFile, files, 'zh-CN');
    const notebook = JSON.parse(pythonNotebook(script)) as { nbformat: number; cells: { cell_type: string; source: string[] }[] };
    expect(notebook.nbformat).toBe(4);
    // nbformat 4.5: every cell has an id of its own.
    expect(new Set(notebook.cells.map((cell) => (cell as unknown as { id: string }).id)).size).toBe(notebook.cells.length);
    const sections = script.split(/^# %%.*\n/m).slice(1);
    expect(notebook.cells.length).toBe(sections.length);
    expect(notebook.cells[0]!.cell_type).toBe('markdown');
    expect(notebook.cells[0]!.source.join('')).toContain(reproduceZhCN['md.title']);
    notebook.cells.slice(1).forEach((cell, i) => {
      expect(cell.cell_type).toBe('code');
      expect(cell.source.join('')).toBe(sections[i + 1]!.replace(/\n+$/, ''));
    });
  });

  it('both languages have every string, and the printed ones the same fields', () => {
    expect(Object.keys(reproduceZhCN).sort()).toEqual(Object.keys(reproduceEn).sort());
    const fields = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const key of Object.keys(reproduceEn) as (keyof typeof reproduceEn)[])
      expect(fields(reproduceZhCN[key]), key).toEqual(fields(reproduceEn[key]));
    const template = readFileSync(resolve(__dirname, '../../src/export/check_run.py'), 'utf8');
    for (const [, key] of template.matchAll(/say\("(\w+)"/g)) expect(reproduceEn, key).toHaveProperty(`m.${key}`);
    for (const [, key] of template.matchAll(/\{\{((?:c|md)\.\w+)\}\}/g)) expect(reproduceEn, key).toHaveProperty(key!);
  });

  it('states a tolerance for every rounding of the graph’s activations, tighter where it computes in float32', () => {
    expect(toleranceFor('float32')).toBe(1e-4);
    expect(toleranceFor('float16')).toBe(2e-2);
    expect(toleranceFor('int8')).toBe(0.1);
  });
});
