import type { Dtype } from '../engine/models/precision';
import type { MessageKey, Translate } from './index.svelte';

/** Terms the page uses before it explains them; each has a short explanation in both languages (`term.<id>`) and,
 * but for the precisions (written as they are), the way the page writes it (`term.<id>.name`). */
export type TermId = 'logits' | 'logitLens' | 'dModel' | 'dHead' | 'W_E' | 'W_pos' | 'W_O' | 'W_U' | 'u' | `dtype.${Dtype}`;

/** The terms a text may contain, looked for by their written name (the draw u and the precisions are marked where
 * they are shown, not looked for: "u" is in many words). */
export const NAMED_TERMS = ['logitLens', 'logits', 'dModel', 'dHead', 'W_E', 'W_pos', 'W_O', 'W_U'] as const satisfies readonly TermId[];

export const termName = (id: TermId, t: Translate): string =>
  id.startsWith('dtype.') ? id.slice('dtype.'.length) : t(`term.${id}.name` as MessageKey);
export const termText = (id: TermId, t: Translate): string => t(`term.${id}` as MessageKey);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The glossary terms written in `texts`, in the order of the list, each once. A name counts as a whole word
 * (W_E, not W_Embed). */
export function termsIn(texts: readonly string[], t: Translate): TermId[] {
  const found: TermId[] = [];
  for (const id of NAMED_TERMS) {
    const name = new RegExp(`(?<![\\w])${escape(termName(id, t))}(?![\\w])`);
    if (texts.some((text) => name.test(text))) found.push(id);
  }
  return found;
}
