import { EngineError } from './errors';
import type { Generator } from './generate';
import type { ModelConfig } from './models/config';
import type { HeadEffect } from './protocol';

/** Switches each attention head off in turn (its z multiplied by 0) and reads `tokenId`'s logit at the last
 * position of `ids`: one forward pass per head. Sorted by how much the logit drops, largest first. Leaves the
 * generator with no intervention; throws `ranking-cancelled` when `cancelled` says so between two heads. */
export async function rankHeads(
  generator: Generator,
  config: Pick<ModelConfig, 'nLayer' | 'nHead' | 'vocabSize'>,
  ids: number[],
  tokenId: number,
  hooks: { progress?: (done: number, total: number) => void; cancelled?: () => Promise<boolean> } = {},
): Promise<HeadEffect[]> {
  const { nLayer, nHead, vocabSize } = config;
  if (!Number.isInteger(tokenId) || tokenId < 0 || tokenId >= vocabSize)
    throw new EngineError('internal', { detail: `token ${tokenId} out of range` });
  const logitOf = async () => (await generator.forward(ids)).lastLogits[tokenId]!;
  try {
    generator.intervene(null);
    const base = await logitOf();
    const effects: HeadEffect[] = [];
    for (let layer = 0; layer < nLayer; layer++) {
      for (let head = 0; head < nHead; head++) {
        if (await hooks.cancelled?.()) throw new EngineError('ranking-cancelled');
        generator.intervene({ heads: [`${layer}.${head}`], mlps: [] });
        const logit = await logitOf();
        effects.push({ layer, head, logit, drop: base - logit });
        hooks.progress?.(effects.length, nLayer * nHead);
      }
    }
    return effects.sort((a, b) => b.drop - a.drop);
  } finally {
    generator.intervene(null);
  }
}
