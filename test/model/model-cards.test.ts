// The embedded models' cards quote the app's head-role test (docs/head-roles.md): what each card says there is
// what the engine measures on that model, on the same sequence the app feeds. With WRITE_CARDS=1 this writes that
// part of each card instead (tools/model/rebuild.sh does, after an export).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  HEAD_ROLES,
  ROLE_THRESHOLD,
  headRoleScores,
  headRoleSequence,
  strongestHead,
  type HeadRoleScores,
} from '../../src/engine/headRoles';
import { EMBEDDED_MODELS, loadEngine } from './helpers';
import { EMBEDDED_MODELS as APP_MODELS } from '../../src/app/embeddedModels';

const BEGIN = '### On the app’s head-role test';
const END = '### On held-out text';

const WHAT = {
  previous: 'Previous-token (the token just before)',
  duplicate: 'Duplicate-token (the same token’s earlier occurrence)',
  induction: 'Induction (the token that followed that earlier occurrence)',
} as const;

const percent = (score: number) => `${Math.round(score * 100)} %`;
/** A score under the threshold to a tenth, rounded down so it never reads as reaching it (39.96 % is "39.9 %"). */
const below = (score: number) => `${(Math.floor(score * 1000) / 10).toFixed(1)} %`;
const name = (layer: number, head: number) => `L${layer + 1} H${head + 1}`;

/** The card's part, from the scores: each job's heads from the threshold up, strongest first, or the closest. */
function section(scores: HeadRoleScores): string {
  const lines = HEAD_ROLES.map((role) => {
    const named = [...scores.scores[role]]
      .map((score, at) => ({ score, layer: Math.floor(at / scores.heads), head: at % scores.heads }))
      .filter(({ score }) => score >= ROLE_THRESHOLD)
      .sort((a, b) => b.score - a.score);
    if (named.length > 0) return `- ${WHAT[role]}: ${named.map((h) => `**${name(h.layer, h.head)}** ${percent(h.score)}`).join(', ')}.`;
    const best = strongestHead(scores, role);
    return `- ${WHAT[role]}: no head reaches ${percent(ROLE_THRESHOLD)}; the closest, ${name(best.layer, best.head)}, ${below(best.score)}.`;
  });
  return [
    BEGIN,
    '',
    `What the app shows under "Heads with a known job" (the attention view and What if): ${scores.half} random tokens, then the`,
    `same ${scores.half} again, in one pass; each head scored by its average share of attention on the one token a job points`,
    `to. A head is named for a job from ${percent(ROLE_THRESHOLD)} up. Layers and heads counted from 1.`,
    '',
    ...lines,
    '',
    '',
  ].join('\n');
}

describe('the embedded models’ cards', () => {
  it('the tests load every model the app ships', () => {
    expect([...EMBEDDED_MODELS]).toEqual(APP_MODELS.map((model) => model.name));
  });

  for (const model of EMBEDDED_MODELS) {
    it(`${model}: the card's heads are the ones the app's head-role test finds, with their scores`, async () => {
      const engine = await loadEngine(model);
      const { config, tokenizer, generator } = engine;
      const { ids, half } = await headRoleSequence(config, async (drawn) => tokenizer.describe(drawn));
      const hooks = Array.from({ length: config.nLayer }, (_, layer) => `blocks.${layer}.attn.hook_pattern`);
      const scores = headRoleScores(await generator.capture(ids, hooks, null, 0), config.nLayer, config.nHead, half);
      const expected = section(scores);
      // The app offers the induction chapter on the models it says were trained to copy, and only those have the head.
      const trainedToCopy = APP_MODELS.find((shipped) => shipped.name === model)!.trainedToCopy;
      expect(strongestHead(scores, 'induction').score >= ROLE_THRESHOLD, `${model}: trainedToCopy is ${trainedToCopy}`).toBe(trainedToCopy);
      const path = resolve(import.meta.dirname, '../../public/models', model, 'README.md');
      const card = readFileSync(path, 'utf8');
      const start = card.indexOf(BEGIN);
      const end = card.indexOf(END);
      expect(start, `${path} has no "${BEGIN}" part`).toBeGreaterThan(0);
      expect(end).toBeGreaterThan(start);
      if (process.env['WRITE_CARDS']) writeFileSync(path, card.slice(0, start) + expected + card.slice(end));
      else expect(card.slice(start, end)).toBe(expected);
    }, 60_000);
  }
});
