// Activation patching (src/engine/patching.ts) on the open-model fixtures (and the nine-layer one) and on the
// embedded models with the tab's example pairs: every cell's logit difference equals the one transformers computes
// with hooks on its own modules (tools/model/patching_reference.py), within 1e-4; a patch from the clean run into
// itself changes nothing; a coarse sweep filled in is the full sweep; a cancel stops between two passes.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadLocalFolder } from '../../src/engine/models/folder';
import { probe } from '../../src/engine/probe';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import {
  coarseLayers,
  layersLeftOut,
  layersToRefine,
  mergePatchResults,
  normalised,
  patchCells,
  patchFor,
  patchHooks,
  patchSweep,
  type PatchSite,
} from '../../src/engine/patching';
import { EngineError } from '../../src/engine/errors';
import { maxAbsDifference } from './helpers';
import { openModelFiles, type FixtureModel } from './openModels';
import { EMBEDDED_MODELS, loadEngine } from './helpers';
import { PATCH_EXAMPLES } from '../../src/i18n/examples';

type Embedded = (typeof EMBEDDED_MODELS)[number];
interface Case {
  model: FixtureModel | Embedded;
  /** An embedded model's case: the tab's example pair in this language. */
  locale?: keyof typeof PATCH_EXAMPLES;
  prompts?: [string, string];
  clean: number[];
  corrupted: number[];
  answers: [number, number];
  cleanDiff: number;
  corruptedDiff: number;
  diffs: Record<PatchSite, number[]>;
}
const REFERENCE: { cases: Case[] } = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/patching.reference.json'), 'utf8'));
const ALL: PatchSite[] = ['resid', 'head', 'attn', 'mlp'];

const isEmbedded = (model: Case['model']): model is Embedded => (EMBEDDED_MODELS as readonly string[]).includes(model);

/** The engine as the worker builds it, for a fixture or an embedded model. */
async function engineOf(model: Case['model']) {
  if (isEmbedded(model)) {
    const { config, probed, generator, tokenizer } = await loadEngine(model);
    return { folder: { config }, probed, generator, tokenizer };
  }
  const folder = await loadLocalFolder(openModelFiles(model), model);
  const probed = probe(folder.graph.bytes, folder.graph.file, folder.config, folder.graph.externalData);
  const session = await ModelSession.create(probed.bytes, 'wasm', 'forced', folder.graph.externalData);
  return { folder, probed, generator: new Generator({ session, probed }, null, folder.config), tokenizer: null };
}

const named = (c: Case) => (c.locale ? `${c.model} (${c.locale} example)` : c.model);
describe.each(REFERENCE.cases.map((c) => [named(c), c] as const))('%s: activation patching', async (_, c) => {
  const { folder, probed, generator, tokenizer } = await engineOf(c.model);
  const answers = { clean: c.answers[0], corrupted: c.answers[1] };

  if (c.locale) {
    it('the reference’s prompts are the tab’s example pair, and the app’s tokenizer reads them as transformers’ did', () => {
      const example = PATCH_EXAMPLES[c.locale!];
      expect(c.prompts).toEqual([example.clean, example.corrupted]);
      expect(tokenizer!.encode(example.clean)).toEqual(c.clean);
      expect(tokenizer!.encode(example.corrupted)).toEqual(c.corrupted);
    });
  }

  it('every cell of the four grids equals transformers’ patched logit difference within 1e-4', async () => {
    const result = await patchSweep(generator, folder.config, probed.points, {
      clean: c.clean,
      corrupted: c.corrupted,
      answers,
      sites: ALL,
    });
    expect(result.cleanDiff).toBeCloseTo(c.cleanDiff, 4);
    expect(result.corruptedDiff).toBeCloseTo(c.corruptedDiff, 4);
    for (const site of ALL) expect(maxAbsDifference(result[site]!, Float32Array.from(c.diffs[site])), site).toBeLessThan(1e-4);
    const first = c.clean.findIndex((id, p) => id !== c.corrupted[p]);
    // The cells before the first changed position are the corrupted run itself, without a pass of their own.
    for (let layer = 0; layer < folder.config.nLayer; layer++)
      for (let p = 0; p < first; p++) expect(result.resid![layer * c.clean.length + p]).toBe(result.corruptedDiff);
    // With one token changed, the first layer's stream there is that token: the clean run itself.
    if (c.clean.filter((id, p) => id !== c.corrupted[p]).length === 1) expect(result.resid![first]).toBeCloseTo(result.cleanDiff, 4);
    // No pass where the two runs' streams are the same vector (the first layer's input at an unchanged token, and
    // every layer's before the first changed position): the count the tab announces.
    const unchanged = c.clean.filter((id, p) => id === c.corrupted[p]).length + (folder.config.nLayer - 1) * first;
    const counted = patchCells({ clean: c.clean, corrupted: c.corrupted, sites: ALL }, folder.config);
    expect(result.passes).toBe(counted.passes);
    expect(counted.passes).toBe(2 + counted.cells - unchanged);
    // Normalised: the corrupted run is 0, the clean run 1.
    expect(normalised(result.cleanDiff, result)).toBe(1);
    expect(normalised(result.corruptedDiff, result)).toBe(0);
  });

  it('a cell opened as a run (its intervention fed to a generation pass, as What if’s B runs it) is the sweep’s cell', async () => {
    const result = await patchSweep(generator, folder.config, probed.points, {
      clean: c.clean,
      corrupted: c.corrupted,
      answers,
      sites: ALL,
    });
    const lists = patchHooks(folder.config.nLayer);
    const cleanRun = await generator.capture(c.clean, lists.clean, null);
    const corruptedRun = await generator.capture(c.corrupted, lists.corrupted, null);
    const changed = c.clean.findIndex((id, p) => id !== c.corrupted[p]);
    const { nHead } = folder.config;
    const cells = [
      { cell: { grid: 'resid', layer: 0, index: changed }, value: result.resid![changed]! },
      { cell: { grid: 'resid', layer: 1, index: changed }, value: result.resid![c.clean.length + changed]! },
      { cell: { grid: 'head', layer: 1, index: 1 }, value: result.head![nHead + 1]! },
      { cell: { grid: 'attn', layer: 0, index: 0 }, value: result.attn![0]! },
      { cell: { grid: 'mlp', layer: 1, index: 0 }, value: result.mlp![1]! },
    ] as const;
    for (const { cell, value } of cells) {
      const run = patchFor(cell, { clean: c.clean, corrupted: c.corrupted }, cleanRun, corruptedRun, folder.config)!;
      generator.intervene(run.intervention);
      const logits = (await generator.forward(run.ids)).lastLogits;
      generator.intervene(null);
      expect(logits[answers.clean]! - logits[answers.corrupted]!, JSON.stringify(cell)).toBeCloseTo(value, 5);
    }
    // The first layer's stream at the changed token is the clean token there: the clean sequence itself.
    expect(patchFor(cells[0].cell, { clean: c.clean, corrupted: c.corrupted }, cleanRun, corruptedRun, folder.config)!.ids).toEqual(
      c.clean.map((id, p) => (p === changed ? id : c.corrupted[p])),
    );
  });

  it('a coarse sweep patches only the layers asked for, and its rows are the full sweep’s rows of those layers', async () => {
    const full = await patchSweep(generator, folder.config, probed.points, { clean: c.clean, corrupted: c.corrupted, answers, sites: ALL });
    const last = folder.config.nLayer - 1;
    // The tab's coarse grid where it has one (past eight layers); on two layers, the last one alone, asked for twice.
    const asked = coarseLayers(folder.config.nLayer).length < folder.config.nLayer ? coarseLayers(folder.config.nLayer) : [last, last];
    const coarse = await patchSweep(generator, folder.config, probed.points, {
      clean: c.clean,
      corrupted: c.corrupted,
      answers,
      sites: ALL,
      layers: asked,
    });
    expect(coarse.patchedLayers).toEqual([...new Set(asked)]);
    expect(coarse.layers).toBe(coarse.patchedLayers.length);
    const n = c.clean.length;
    const { nHead } = folder.config;
    const rowsOf = (grid: Float32Array, width: number, layers: number[]) =>
      layers.flatMap((layer) => Array.from(grid.subarray(layer * width, (layer + 1) * width)));
    expect(Array.from(coarse.resid!)).toEqual(rowsOf(full.resid!, n, coarse.patchedLayers));
    expect(Array.from(coarse.head!)).toEqual(rowsOf(full.head!, nHead, coarse.patchedLayers));
    expect(Array.from(coarse.mlp!)).toEqual(coarse.patchedLayers.map((layer) => full.mlp![layer]!));
    expect(coarse.passes).toBeLessThan(full.passes);
    // Filling in (as the tab does): the sharpest gap first, then every layer left, gives the full sweep's grids.
    const sharpest = layersToRefine(coarse, folder.config.nLayer);
    expect(sharpest.length).toBeGreaterThan(0);
    const refined = mergePatchResults(
      coarse,
      await patchSweep(generator, folder.config, probed.points, {
        clean: c.clean,
        corrupted: c.corrupted,
        answers,
        sites: ALL,
        layers: sharpest,
      }),
    );
    expect(refined.patchedLayers).toEqual([...coarse.patchedLayers, ...sharpest].sort((a, b) => a - b));
    const left = layersLeftOut(refined, folder.config.nLayer);
    const merged = left.length
      ? mergePatchResults(
          refined,
          await patchSweep(generator, folder.config, probed.points, {
            clean: c.clean,
            corrupted: c.corrupted,
            answers,
            sites: ALL,
            layers: left,
          }),
        )
      : refined;
    expect(merged.patchedLayers).toEqual(full.patchedLayers);
    for (const site of ALL) expect(Array.from(merged[site]!), site).toEqual(Array.from(full[site]!));
    expect(layersLeftOut(merged, folder.config.nLayer)).toEqual([]);
  });

  it('patching the clean run into itself changes nothing: every cell is the clean run’s difference', async () => {
    const result = await patchSweep(generator, folder.config, probed.points, {
      clean: c.clean,
      corrupted: c.clean,
      answers,
      sites: ['head', 'mlp'],
    });
    expect(result.corruptedDiff).toBe(result.cleanDiff);
    for (const site of ['head', 'mlp'] as const)
      expect(maxAbsDifference(result[site]!, new Float32Array(result[site]!.length).fill(result.cleanDiff)), site).toBeLessThan(1e-5);
  });

  it('refuses prompts of different lengths, and stops between two passes when cancelled', async () => {
    await expect(
      patchSweep(generator, folder.config, probed.points, { clean: c.clean, corrupted: c.corrupted.slice(1), answers, sites: ['mlp'] }),
    ).rejects.toMatchObject({ code: 'patch-lengths' });
    let passes = 0;
    const stopped = patchSweep(
      generator,
      folder.config,
      probed.points,
      { clean: c.clean, corrupted: c.corrupted, answers, sites: ['head'] },
      {
        progress: (done) => (passes = done),
        cancelled: async () => passes >= 2,
      },
    );
    await expect(stopped).rejects.toBeInstanceOf(EngineError);
    await expect(stopped).rejects.toMatchObject({ code: 'patching-cancelled' });
    expect(passes).toBe(2);
  });
});
