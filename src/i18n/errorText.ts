import type { EngineErrorData } from '../engine/errors';
import { i18n } from './index.svelte';

/** An engine error in the page's language: its code's sentence with its parameters. */
export function errorText(error: EngineErrorData): string {
  const key = `error.${error.code}`;
  return i18n.has(key) ? i18n.t(key, error.params) : i18n.t('error.internal', { detail: error.code });
}
