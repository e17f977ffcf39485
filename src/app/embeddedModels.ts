/** The models that ship with the app (public/models), in the Hugging Face layout.
 * `trainedToCopy`: trained further until it has an induction head (docs/head-roles.md). The lesson's induction
 * chapter offers it when the loaded model has none, so a learner sees the same question on both kinds of model;
 * the model tests check the flag against the head-role test. */
export const EMBEDDED_MODELS = [
  { name: 'flow-gpt2-tiny', url: `${import.meta.env.BASE_URL}models/flow-gpt2-tiny`, architecture: 'GPT-2', trainedToCopy: false },
  { name: 'flow-llama-tiny', url: `${import.meta.env.BASE_URL}models/flow-llama-tiny`, architecture: 'Llama', trainedToCopy: false },
  {
    name: 'flow-gpt2-tiny-induction',
    url: `${import.meta.env.BASE_URL}models/flow-gpt2-tiny-induction`,
    architecture: 'GPT-2',
    trainedToCopy: true,
  },
] as const;
export const EMBEDDED_MODEL = EMBEDDED_MODELS[0];

export type EmbeddedModel = (typeof EMBEDDED_MODELS)[number];

/** An embedded model with an induction head other than `loaded`, to run the induction chapter on; null if none. */
export function otherModelTrainedToCopy(loaded: string): EmbeddedModel | null {
  return EMBEDDED_MODELS.find((model) => model.trainedToCopy && model.name !== loaded) ?? null;
}
