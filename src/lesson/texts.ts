import type { ModelConfig } from '../engine/models/config';
import { traitsOf } from '../engine/models/architecture';
import type { ChapterId } from './chapters';
import type { LessonKey, Ref, Sentence } from './questions';

/** A chapter's opening sentences for the model on screen: the MLP and norm sentences follow its architecture
 * (from config.json, through the traits table), and every number comes from its config. An intro never answers
 * its chapter's question. */
export function chapterIntro(id: ChapterId, config: ModelConfig): Sentence {
  const traits = traitsOf(config);
  const count = (value: number): Ref => ({ kind: 'count', value });
  const params: Record<string, Ref> = {
    vocab: count(config.vocabSize),
    dModel: count(config.dModel),
    dMlp: count(config.dMlp),
    heads: count(config.nHead * config.nLayer),
    perLayer: count(config.nHead),
    layers: count(config.nLayer),
    dHead: count(config.dHead),
    context: count(config.nCtx),
  };
  const key: Record<ChapterId, LessonKey> = {
    tokens: 'lesson.tokens.intro',
    // One intro for every model: how this one brings in the position is the question's answer, told in the reveal.
    embedding: 'lesson.embedding.intro',
    attention: 'lesson.attention.intro',
    heads: 'lesson.heads.intro',
    mlp: traits.mlp === 'swiglu' ? 'lesson.mlp.introSwiglu' : 'lesson.mlp.introGelu',
    lens: traits.norm === 'rmsnorm' ? 'lesson.lens.introRms' : 'lesson.lens.introLayerNorm',
    sampling: 'lesson.sampling.intro',
    generation: 'lesson.generation.intro',
    patching: 'lesson.patching.intro',
    induction: 'lesson.induction.intro',
    architectures: 'lesson.architectures.intro',
  };
  // The MLP chapter names the norm the MLP reads through (a text of its own, so it follows the norm, not the MLP).
  if (id === 'mlp') params['norm'] = { kind: 'text', key: traits.norm === 'rmsnorm' ? 'lesson.norm.rmsnorm' : 'lesson.norm.layernorm' };
  return { key: key[id], params };
}
