import { EngineError } from './errors';
import type { Generator } from './generate';
import type { ModelConfig } from './models/config';
import type { CapturePoint } from './probe/capturePoints';
import type { ActivationPatch, Intervention } from './probe/intervention';
import type { ForwardRecord } from './trace';

/** What activation patching copies from the clean run into the corrupted one, one cell at a time (docs/patching.md):
 * the residual stream entering a layer at one position; one head's output z at every position; a layer's whole
 * attention output (all its heads' z) at every position; a layer's MLP output at every position. */
export const PATCH_SITES = ['resid', 'head', 'attn', 'mlp'] as const;
export type PatchSite = (typeof PATCH_SITES)[number];

/** Two sequences of the same length and the two answers the metric compares (the clean run's and the corrupted
 * run's); `sites`: the grids to compute. */
export interface PatchQuestion {
  clean: number[];
  corrupted: number[];
  answers: { clean: number; corrupted: number };
  sites: PatchSite[];
  /** The layers to patch (a coarse grid first on a large model); absent: every layer. */
  layers?: number[];
}

/** The metric of each cell: the logit of the clean answer minus that of the corrupted answer at the last position,
 * as computed (raw); `normalised` puts the corrupted run at 0 and the clean run at 1. */
export interface PatchResult {
  positions: number;
  /** The grids' rows: how many layers were patched, and which (every layer unless the question picked some). */
  layers: number;
  patchedLayers: number[];
  heads: number;
  cleanDiff: number;
  corruptedDiff: number;
  /** By row (the row-th of `patchedLayers`) × positions + position. */
  resid: Float32Array | null;
  /** By row × heads + head. */
  head: Float32Array | null;
  attn: Float32Array | null;
  mlp: Float32Array | null;
  /** Forward passes run (cells that could not change anything are not run: they equal the corrupted run). */
  passes: number;
}

/** A coarse sweep's layers (a large model's first look): about eight, evenly spread, the last one always. */
export function coarseLayers(layers: number): number[] {
  const every = Math.ceil(layers / 8);
  const picked = Array.from({ length: layers }, (_, layer) => layer).filter((layer) => layer % every === 0);
  return picked.includes(layers - 1) ? picked : [...picked, layers - 1];
}

/** The layers a sweep of `result` left out, between two of its rows: where the residual stream's cells change most
 * from one patched layer to the next (the picture's sharpest step, where a finer look says most), or, with no such
 * step, the first gap. Empty when every layer was patched. */
export function layersToRefine(result: Pick<PatchResult, 'patchedLayers' | 'positions' | 'resid'>, layers: number): number[] {
  const patched = result.patchedLayers;
  const gaps: { from: number; to: number; step: number }[] = [];
  for (let row = 0; row < patched.length; row++) {
    const before = row === 0 ? -1 : patched[row - 1]!;
    if (patched[row]! - before <= 1) continue;
    let step = 0;
    if (result.resid && row > 0)
      for (let p = 0; p < result.positions; p++)
        step = Math.max(step, Math.abs(result.resid[row * result.positions + p]! - result.resid[(row - 1) * result.positions + p]!));
    gaps.push({ from: before + 1, to: patched[row]! - 1, step });
  }
  const last = patched.length > 0 ? patched[patched.length - 1]! : -1;
  if (last < layers - 1) gaps.push({ from: last + 1, to: layers - 1, step: 0 });
  if (gaps.length === 0) return [];
  const sharpest = gaps.reduce((best, gap) => (gap.step > best.step ? gap : best), gaps[0]!);
  return Array.from({ length: sharpest.to - sharpest.from + 1 }, (_, i) => sharpest.from + i);
}

/** Every layer a sweep of `result` left out. */
export function layersLeftOut(result: Pick<PatchResult, 'patchedLayers'>, layers: number): number[] {
  const patched = new Set(result.patchedLayers);
  return Array.from({ length: layers }, (_, layer) => layer).filter((layer) => !patched.has(layer));
}

/** Two sweeps of the same question (the same prompts, answers and grids) over other layers, as one: the rows of both,
 * by layer. A layer in both keeps `base`'s row. */
export function mergePatchResults(base: PatchResult, added: PatchResult): PatchResult {
  const { positions, heads } = base;
  if (added.positions !== positions || added.heads !== heads)
    throw new EngineError('internal', { detail: 'the sweeps to merge patched other sequences' });
  const rowOf = new Map<number, { from: PatchResult; row: number }>();
  added.patchedLayers.forEach((layer, row) => rowOf.set(layer, { from: added, row }));
  base.patchedLayers.forEach((layer, row) => rowOf.set(layer, { from: base, row }));
  const patchedLayers = [...rowOf.keys()].sort((a, b) => a - b);
  const merge = (site: PatchSite, width: number) => {
    if (!base[site] || !added[site]) return null;
    const values = new Float32Array(patchedLayers.length * width);
    patchedLayers.forEach((layer, row) => {
      const { from, row: source } = rowOf.get(layer)!;
      values.set(from[site]!.subarray(source * width, (source + 1) * width), row * width);
    });
    return values;
  };
  return {
    positions,
    layers: patchedLayers.length,
    patchedLayers,
    heads,
    cleanDiff: base.cleanDiff,
    corruptedDiff: base.corruptedDiff,
    resid: merge('resid', positions),
    head: merge('head', heads),
    attn: merge('attn', 1),
    mlp: merge('mlp', 1),
    passes: base.passes + added.passes,
  };
}

/** A cell's share of the way from the corrupted run (0) to the clean run (1). */
export function normalised(diff: number, result: Pick<PatchResult, 'cleanDiff' | 'corruptedDiff'>): number {
  return (diff - result.corruptedDiff) / (result.cleanDiff - result.corruptedDiff);
}

/** How many cells a question's grids hold (the progress's total), and how many forward passes it runs: two for the
 * clean and corrupted runs, and one per cell except where the copy cannot change anything (patchFor): the residual stream entering the
 * first layer at a token both prompts share, and entering any layer before the first changed position. */
export function patchCells(
  question: Pick<PatchQuestion, 'clean' | 'corrupted' | 'sites' | 'layers'>,
  config: Pick<ModelConfig, 'nLayer' | 'nHead'>,
): { cells: number; passes: number } {
  const { nHead } = config;
  const layers = question.layers ? [...new Set(question.layers)] : Array.from({ length: config.nLayer }, (_, layer) => layer);
  const n = question.clean.length;
  const first = question.clean.findIndex((id, p) => id !== question.corrupted[p]);
  const changed = question.clean.filter((id, p) => id !== question.corrupted[p]).length;
  const residRuns = layers.reduce((sum, layer) => sum + (first < 0 ? 0 : layer === 0 ? changed : n - first), 0);
  const counts: Record<PatchSite, [number, number]> = {
    resid: [layers.length * n, residRuns],
    head: [layers.length * nHead, layers.length * nHead],
    attn: [layers.length, layers.length],
    mlp: [layers.length, layers.length],
  };
  return question.sites.reduce((sum, site) => ({ cells: sum.cells + counts[site][0], passes: sum.passes + counts[site][1] }), {
    cells: 0,
    passes: 2,
  });
}

/** The forward passes a question runs (patchCells). */
export function patchPasses(
  question: Pick<PatchQuestion, 'clean' | 'corrupted' | 'sites' | 'layers'>,
  config: Pick<ModelConfig, 'nLayer' | 'nHead'>,
): number {
  return patchCells(question, config).passes;
}

const resid = (layer: number) => `blocks.${layer}.hook_resid_pre`;
const z = (layer: number) => `blocks.${layer}.attn.hook_z`;
const mlpOut = (layer: number) => `blocks.${layer}.hook_mlp_out`;

/** What the clean run must record for `patchFor`, and what the corrupted run must (its residual stream). */
export const patchHooks = (layers: number) => ({
  clean: Array.from({ length: layers }, (_, layer) => [resid(layer), z(layer), mlpOut(layer)]).flat(),
  corrupted: Array.from({ length: layers }, (_, layer) => resid(layer)),
});

/** One cell of the grids as a run: the corrupted sequence (or, for the first layer's stream, the corrupted sequence
 * with the clean token at that position) with the clean run's activation in place, as an intervention the graph's
 * inputs take. Null where the copy cannot change anything (both runs hold the same values there): the cell is then
 * the corrupted run itself. `clean` and `corrupted` hold every position's rows of `patchHooks`. */
export function patchFor(
  cell: ActivationPatch['cell'],
  ids: { clean: readonly number[]; corrupted: readonly number[] },
  clean: ForwardRecord,
  corrupted: ForwardRecord,
  config: Pick<ModelConfig, 'nHead' | 'dHead' | 'dModel'>,
): { ids: number[]; intervention: Intervention | null } | null {
  const { nHead, dHead, dModel } = config;
  const n = ids.corrupted.length;
  const rowsOf = (record: ForwardRecord, hook: string) => record.tensors[hook]!.data;
  const headRows = (layer: number, head: number) => {
    const rows = rowsOf(clean, z(layer));
    return Array.from({ length: n }, (_, p) =>
      Array.from(rows.subarray((p * nHead + head) * dHead, (p * nHead + head + 1) * dHead)),
    ).flat();
  };
  const patched = (patch: Omit<ActivationPatch, 'cell' | 'positions'>): { ids: number[]; intervention: Intervention } => ({
    ids: [...ids.corrupted],
    intervention: { heads: [], mlps: [], patch: { cell, positions: n, ...patch } },
  });
  switch (cell.grid) {
    case 'resid': {
      const p = cell.index;
      const cleanRow = rowsOf(clean, resid(cell.layer)).subarray(p * dModel, (p + 1) * dModel);
      const corruptedRow = rowsOf(corrupted, resid(cell.layer)).subarray(p * dModel, (p + 1) * dModel);
      if (cleanRow.every((value, i) => value === corruptedRow[i])) return null;
      // The stream entering the first layer is the token's embedding (and its position's): the clean token there.
      if (cell.layer === 0) return { ids: ids.corrupted.map((id, q) => (q === p ? ids.clean[p]! : id)), intervention: null };
      // The stream entering layer L is what leaves layer L − 1: the difference is added to that layer's MLP output at
      // this position, so layer L reads the clean vector there.
      const add = new Array<number>(n * dModel).fill(0);
      for (let i = 0; i < dModel; i++) add[p * dModel + i] = cleanRow[i]! - corruptedRow[i]!;
      return patched({ mlpAdd: { [cell.layer - 1]: add } });
    }
    case 'head':
      return patched({ heads: { [`${cell.layer}.${cell.index}`]: headRows(cell.layer, cell.index) } });
    case 'attn':
      // A layer's attention output is its heads' z through the output projection (plus a bias both runs share).
      return patched({
        heads: Object.fromEntries(Array.from({ length: nHead }, (_, head) => [`${cell.layer}.${head}`, headRows(cell.layer, head)])),
      });
    case 'mlp':
      return patched({ mlpOut: { [cell.layer]: Array.from(rowsOf(clean, mlpOut(cell.layer))) } });
  }
}

/** Runs every cell of the question's grids: the corrupted sequence once per cell, with one activation of the clean
 * run in place (patchFor). Progress after each cell; throws `patching-cancelled` between two passes when `cancelled`
 * says so. The generator's cache and switched-off parts are not touched. */
export async function patchSweep(
  generator: Generator,
  config: Pick<ModelConfig, 'nLayer' | 'nHead' | 'dHead' | 'dModel' | 'vocabSize'>,
  points: readonly CapturePoint[],
  question: PatchQuestion,
  hooks: { progress?: (done: number, total: number) => void; cancelled?: () => Promise<boolean> } = {},
): Promise<PatchResult> {
  const { nLayer, nHead, vocabSize } = config;
  const { clean, corrupted, answers, sites } = question;
  const n = clean.length;
  if (n === 0 || corrupted.length !== n) throw new EngineError('patch-lengths', { clean: n, corrupted: corrupted.length });
  for (const id of [answers.clean, answers.corrupted])
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new EngineError('internal', { detail: `answer ${id} out of range` });
  if (sites.includes('head') || sites.includes('attn')) {
    const layout = points.find((point) => point.hook === z(0))?.layout;
    if (layout !== 'heads') throw new EngineError('internal', { detail: 'this graph’s head outputs cannot be patched' });
  }
  const total = patchCells(question, config).cells;
  /** Cells done (a pass each, or none where it could not change anything), and passes run (the two runs first). */
  let done = 0;
  let ran = 2;
  const passed = (run = true) => {
    done++;
    if (run) ran++;
    hooks.progress?.(done, total);
  };
  const diffOf = (record: ForwardRecord) => {
    const logits = record.tensors['logits']!.data;
    const last = logits.length - vocabSize;
    return logits[last + answers.clean]! - logits[last + answers.corrupted]!;
  };
  const lists = patchHooks(nLayer);
  const cleanRun = await generator.capture(clean, ['logits', ...lists.clean], null);
  const corruptedRun = await generator.capture(corrupted, ['logits', ...lists.corrupted], null);
  hooks.progress?.(0, total);
  const cleanDiff = diffOf(cleanRun);
  const corruptedDiff = diffOf(corruptedRun);
  /** The cell's logit difference: its run's, or the corrupted run's where the copy changes nothing. */
  const cellDiff = async (cell: ActivationPatch['cell']) => {
    const run = patchFor(cell, { clean, corrupted }, cleanRun, corruptedRun, config);
    if (!run) {
      passed(false);
      return corruptedDiff;
    }
    if (await hooks.cancelled?.()) throw new EngineError('patching-cancelled');
    const diff = diffOf(await generator.capture(run.ids, ['logits'], run.intervention, n - 1));
    passed();
    return diff;
  };
  const patchedLayers = question.layers
    ? [...new Set(question.layers)].filter((layer) => layer >= 0 && layer < nLayer).sort((a, b) => a - b)
    : Array.from({ length: nLayer }, (_, layer) => layer);
  const rows = patchedLayers.length;
  const grid = async (site: PatchSite, size: number, cellAt: (i: number) => ActivationPatch['cell']) => {
    if (!sites.includes(site)) return null;
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = await cellDiff(cellAt(i));
    return values;
  };
  const residGrid = await grid('resid', rows * n, (i) => ({ grid: 'resid', layer: patchedLayers[Math.floor(i / n)]!, index: i % n }));
  const headGrid = await grid('head', rows * nHead, (i) => ({
    grid: 'head',
    layer: patchedLayers[Math.floor(i / nHead)]!,
    index: i % nHead,
  }));
  const attnGrid = await grid('attn', rows, (row) => ({ grid: 'attn', layer: patchedLayers[row]!, index: 0 }));
  const mlpGrid = await grid('mlp', rows, (row) => ({ grid: 'mlp', layer: patchedLayers[row]!, index: 0 }));
  return {
    positions: n,
    layers: rows,
    patchedLayers,
    heads: nHead,
    cleanDiff,
    corruptedDiff,
    resid: residGrid,
    head: headGrid,
    attn: attnGrid,
    mlp: mlpGrid,
    passes: ran,
  };
}
