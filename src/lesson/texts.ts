import type { ModelConfig } from '../engine/models/config';
import { traitsOf } from '../flow/architecture';
import type { ChapterId } from './chapters';
import type { LessonKey, Ref, Sentence } from './questions';

/** A chapter's opening sentences for the model on screen: the position, MLP and norm sentences follow its
 * architecture (from config.json, through the traits table), and every number comes from its config. */
export function chapterIntro(id: ChapterId, config: ModelConfig): Sentence {
  const traits = traitsOf(config);
  const count = (value: number): Ref => ({ kind: 'count', value });
  const params: Record<string, Ref> = {
    vocab: count(config.vocabSize), dModel: count(config.dModel), dMlp: count(config.dMlp), heads: count(config.nHead * config.nLayer),
    perLayer: count(config.nHead), layers: count(config.nLayer), dHead: count(config.dHead), context: count(config.nCtx),
  };
  const key: Record<ChapterId, LessonKey> = {
    tokens: 'lesson.tokens.intro',
    embedding: traits.position === 'rope' ? 'lesson.embedding.introRope' : 'lesson.embedding.introLearned',
    attention: 'lesson.attention.intro',
    heads: 'lesson.heads.intro',
    mlp: traits.mlp === 'swiglu' ? 'lesson.mlp.introSwiglu' : 'lesson.mlp.introGelu',
    lens: traits.norm === 'rmsnorm' ? 'lesson.lens.introRms' : 'lesson.lens.introLayerNorm',
    sampling: 'lesson.sampling.intro',
    generation: 'lesson.generation.intro',
  };
  return { key: key[id], params };
}
