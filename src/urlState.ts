import type { BackendRequest } from './engine/runtime';
import type { Locale } from './i18n/index.svelte';

/** What the page's URL may set. Unknown or malformed values are ignored (never trusted, never echoed as HTML). */
export interface UrlState {
  backend: BackendRequest;
  locale: Locale | null;
  /** A model folder URL (same origin only), for demos and tests; null means the embedded model. */
  model: string | null;
}

export function readUrlState(search: string, origin: string): UrlState {
  const params = new URLSearchParams(search);
  const backend = params.get('backend');
  const lang = params.get('lang');
  let model: string | null = null;
  const rawModel = params.get('model');
  if (rawModel) {
    try {
      const url = new URL(rawModel, origin);
      if (url.origin === origin) model = url.pathname;
    } catch {
      model = null;
    }
  }
  return {
    backend: backend === 'wasm' || backend === 'webgpu' ? backend : 'auto',
    locale: lang === 'zh-CN' || lang === 'zh' ? 'zh-CN' : lang === 'en' ? 'en' : null,
    model,
  };
}
