// The head-role test (src/engine/headRoles.ts) on the open-model fixtures: the app's scores, from the patterns its
// capturing graph records, equal those computed from transformers' own attention weights
// (tools/model/head_roles_reference.py); and the random sequence is drawn as documented.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadLocalFolder } from '../../src/engine/models/folder';
import { probe } from '../../src/engine/probe';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import { HEAD_ROLES, headRoleScores, randomTokens, rolesOf, ROLE_THRESHOLD, strongestHead } from '../../src/engine/headRoles';
import { maxAbsDifference } from './helpers';
import { openModelFiles, type OpenModel } from './openModels';

interface Case {
  model: OpenModel;
  ids: number[];
  half: number;
  previous: number[];
  duplicate: number[];
  induction: number[];
}
const REFERENCE: { cases: Case[] } = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/head-roles.reference.json'), 'utf8'));

describe.each(REFERENCE.cases.map((c) => [c.model, c] as const))('%s: head roles', async (model, c) => {
  const folder = await loadLocalFolder(openModelFiles(model), model);
  const probed = probe(folder.graph.bytes, folder.graph.file, folder.config, folder.graph.externalData);
  const session = await ModelSession.create(probed.bytes, 'wasm', 'forced', folder.graph.externalData);
  const generator = new Generator({ session, probed }, null, folder.config);
  const { nLayer, nHead } = folder.config;

  it('every head’s previous-token, duplicate-token and induction score equals transformers’ within 1e-5', async () => {
    const hooks = Array.from({ length: nLayer }, (_, layer) => `blocks.${layer}.attn.hook_pattern`);
    const record = await generator.capture(c.ids, hooks, null, 0);
    const scores = headRoleScores(record, nLayer, nHead, c.half);
    for (const role of HEAD_ROLES) {
      expect(scores.scores[role].length).toBe(nLayer * nHead);
      expect(maxAbsDifference(scores.scores[role], Float32Array.from(c[role])), role).toBeLessThan(1e-5);
    }
    // The strongest head of each role is the reference's, and a head is named only at the threshold.
    for (const role of HEAD_ROLES) {
      const best = strongestHead(scores, role);
      const expected = c[role].indexOf(Math.max(...c[role]));
      expect(best.layer * nHead + best.head, role).toBe(expected);
      for (let layer = 0; layer < nLayer; layer++) {
        for (let head = 0; head < nHead; head++) {
          const named = rolesOf(scores, layer, head).map((entry) => entry.role);
          expect(named.includes(role)).toBe(c[role][layer * nHead + head]! >= ROLE_THRESHOLD);
        }
      }
    }
  });

  it('a sequence that is not the whole repeated one is refused, not scored', async () => {
    const hooks = Array.from({ length: nLayer }, (_, layer) => `blocks.${layer}.attn.hook_pattern`);
    const record = await generator.capture(c.ids, hooks, null, 1);
    expect(() => headRoleScores(record, nLayer, nHead, c.half)).toThrow(RangeError);
  });
});

describe('the random half of the test sequence', () => {
  it('is the same for the same seed, distinct tokens, none of those avoided', () => {
    const avoid = new Set([0, 1, 2, 3]);
    const first = randomTokens(50, 40, 7, avoid);
    expect(first).toEqual(randomTokens(50, 40, 7, avoid));
    expect(first).not.toEqual(randomTokens(50, 40, 8, avoid));
    expect(new Set(first).size).toBe(40);
    expect(first.every((id) => id >= 0 && id < 50 && !avoid.has(id))).toBe(true);
  });

  it('cannot be drawn from a vocabulary with too few usable tokens', () => {
    expect(() => randomTokens(10, 8, 1, new Set([0, 1, 2]))).toThrow(RangeError);
  });
});
