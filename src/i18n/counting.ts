/** One way of counting on screen: the learner's first layer, head, position, query, key, step or neuron is
 * number 1.
 * The Trace, the exported JSON and the hook names (`blocks.0.attn.hook_pattern`) count from 0, as Python does;
 * they are shown only where they are labelled as such. Every index that goes into a message goes through
 * `counted`, so the two ways never meet in one sentence. */
export const counted = (index: number): number => index + 1;

/** Message parameters that, by their name, hold one counted layer, head, position, query, key, step, neuron or
 * item (a unit test holds every call site to it). */
export const COUNTED_PARAMS = ['layer', 'head', 'kvHead', 'position', 'query', 'key', 'step', 'neuron', 'index'] as const;
