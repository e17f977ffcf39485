import { EngineError } from './errors';
import type { Generator } from './generate';
import type { ModelConfig } from './models/config';
import type { CapturePoint } from './probe/capturePoints';
import type { InterventionFeeds } from './probe/intervention';
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
}

/** The metric of each cell: the logit of the clean answer minus that of the corrupted answer at the last position,
 * as computed (raw); `normalised` puts the corrupted run at 0 and the clean run at 1. */
export interface PatchResult {
  positions: number;
  layers: number;
  heads: number;
  cleanDiff: number;
  corruptedDiff: number;
  /** By layer × positions + position. */
  resid: Float32Array | null;
  /** By layer × heads + head. */
  head: Float32Array | null;
  attn: Float32Array | null;
  mlp: Float32Array | null;
  /** Forward passes run (cells that could not change anything are not run: they equal the corrupted run). */
  passes: number;
}

/** A cell's share of the way from the corrupted run (0) to the clean run (1). */
export function normalised(diff: number, result: Pick<PatchResult, 'cleanDiff' | 'corruptedDiff'>): number {
  return (diff - result.corruptedDiff) / (result.cleanDiff - result.corruptedDiff);
}

/** How many forward passes a question needs at most (two for the clean and corrupted runs, one per cell): the
 * progress's total. */
export function patchPasses(question: Pick<PatchQuestion, 'clean' | 'sites'>, config: Pick<ModelConfig, 'nLayer' | 'nHead'>): number {
  const { nLayer, nHead } = config;
  const cells: Record<PatchSite, number> = { resid: nLayer * question.clean.length, head: nLayer * nHead, attn: nLayer, mlp: nLayer };
  return 2 + question.sites.reduce((sum, site) => sum + cells[site], 0);
}

const resid = (layer: number) => `blocks.${layer}.hook_resid_pre`;
const z = (layer: number) => `blocks.${layer}.attn.hook_z`;
const mlpOut = (layer: number) => `blocks.${layer}.hook_mlp_out`;

/** Runs every cell of the question's grids: the corrupted sequence once per cell, with one activation of the clean
 * run in place (through the graph's intervention inputs, with an offset per position). Progress after each pass;
 * throws `patching-cancelled` between two passes when `cancelled` says so. The generator's cache is not touched. */
export async function patchSweep(
  generator: Generator,
  config: Pick<ModelConfig, 'nLayer' | 'nHead' | 'dHead' | 'dModel' | 'vocabSize'>,
  points: readonly CapturePoint[],
  question: PatchQuestion,
  hooks: { progress?: (done: number, total: number) => void; cancelled?: () => Promise<boolean> } = {},
): Promise<PatchResult> {
  const { nLayer, nHead, dHead, dModel, vocabSize } = config;
  const { clean, corrupted, answers, sites } = question;
  const n = clean.length;
  if (n === 0 || corrupted.length !== n) throw new EngineError('patch-lengths', { clean: n, corrupted: corrupted.length });
  for (const id of [answers.clean, answers.corrupted]) if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new EngineError('internal', { detail: `answer ${id} out of range` });
  if (sites.includes('head') || sites.includes('attn')) {
    const layout = points.find((point) => point.hook === z(0))?.layout;
    if (layout !== 'heads') throw new EngineError('internal', { detail: 'this graph’s head outputs cannot be patched' });
  }
  const layers = Array.from({ length: nLayer }, (_, layer) => layer);
  const total = patchPasses(question, config);
  /** Cells done (a pass each, or none where it could not change anything), and passes run. */
  let done = 0;
  let ran = 0;
  const step = async () => {
    if (await hooks.cancelled?.()) throw new EngineError('patching-cancelled');
  };
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
  const neutral = generator.neutralFeeds();

  const cleanRun = await generator.captureWith(clean, ['logits', ...layers.flatMap((layer) => [resid(layer), z(layer), mlpOut(layer)])], neutral);
  passed();
  const corruptedRun = await generator.captureWith(corrupted, ['logits', ...layers.map(resid)], neutral);
  passed();
  const cleanDiff = diffOf(cleanRun);
  const corruptedDiff = diffOf(corruptedRun);
  /** The corrupted sequence with these intervention values: the cell's logit difference. */
  const patchedDiff = async (feeds: InterventionFeeds, ids: number[] = corrupted) => {
    await step();
    const diff = diffOf(await generator.captureWith(ids, ['logits'], feeds));
    passed();
    return diff;
  };
  /** Per-position offsets, all zero, with scales 1: a patch fills in its part. */
  const perPosition = (): InterventionFeeds => ({ ...neutral, head: neutral.head.slice(), mlp: neutral.mlp.slice(), offset: new Float32Array(nLayer * nHead * n * dHead), mlpOffset: new Float32Array(nLayer * n * dModel), positions: n });
  /** Puts head `head` of `layer`'s clean z at every position in place of its own (scale 0, the rows as offsets). */
  const patchHead = (feeds: InterventionFeeds, layer: number, head: number) => {
    const rows = cleanRun.tensors[z(layer)]!.data;
    feeds.head[layer * nHead + head] = 0;
    for (let p = 0; p < n; p++) feeds.offset.set(rows.subarray((p * nHead + head) * dHead, (p * nHead + head + 1) * dHead), ((layer * nHead + head) * n + p) * dHead);
  };

  let residGrid: Float32Array | null = null;
  if (sites.includes('resid')) {
    residGrid = new Float32Array(nLayer * n);
    for (const layer of layers) {
      const cleanRows = cleanRun.tensors[resid(layer)]!.data;
      const corruptedRows = corruptedRun.tensors[resid(layer)]!.data;
      for (let p = 0; p < n; p++) {
        const delta = new Float32Array(dModel);
        let changes = false;
        for (let i = 0; i < dModel; i++) {
          delta[i] = cleanRows[p * dModel + i]! - corruptedRows[p * dModel + i]!;
          if (delta[i] !== 0) changes = true;
        }
        // Where both runs hold the same vector, the patch changes nothing: the cell is the corrupted run.
        if (!changes) {
          residGrid[layer * n + p] = corruptedDiff;
          passed(false);
          continue;
        }
        if (layer === 0) {
          // The stream entering the first layer is the token's embedding (and its position's): the clean token.
          const ids = corrupted.slice();
          ids[p] = clean[p]!;
          residGrid[p] = await patchedDiff(neutral, ids);
        } else {
          // The stream entering layer L is what leaves layer L − 1: the difference is added to that layer's MLP
          // output at this position, so layer L reads the clean vector there.
          const feeds = perPosition();
          feeds.mlpOffset.set(delta, ((layer - 1) * n + p) * dModel);
          residGrid[layer * n + p] = await patchedDiff(feeds);
        }
      }
    }
  }
  let headGrid: Float32Array | null = null;
  if (sites.includes('head')) {
    headGrid = new Float32Array(nLayer * nHead);
    for (const layer of layers) {
      for (let head = 0; head < nHead; head++) {
        const feeds = perPosition();
        patchHead(feeds, layer, head);
        headGrid[layer * nHead + head] = await patchedDiff(feeds);
      }
    }
  }
  let attnGrid: Float32Array | null = null;
  if (sites.includes('attn')) {
    // A layer's attention output is its heads' z through the output projection (plus a bias both runs share).
    attnGrid = new Float32Array(nLayer);
    for (const layer of layers) {
      const feeds = perPosition();
      for (let head = 0; head < nHead; head++) patchHead(feeds, layer, head);
      attnGrid[layer] = await patchedDiff(feeds);
    }
  }
  let mlpGrid: Float32Array | null = null;
  if (sites.includes('mlp')) {
    mlpGrid = new Float32Array(nLayer);
    for (const layer of layers) {
      const feeds = perPosition();
      feeds.mlp[layer] = 0;
      feeds.mlpOffset.set(cleanRun.tensors[mlpOut(layer)]!.data, layer * n * dModel);
      mlpGrid[layer] = await patchedDiff(feeds);
    }
  }
  return { positions: n, layers: nLayer, heads: nHead, cleanDiff, corruptedDiff, resid: residGrid, head: headGrid, attn: attnGrid, mlp: mlpGrid, passes: ran };
}
