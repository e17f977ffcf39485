import type { BackendRequest } from '../engine/runtime';
import type { Locale } from '../i18n/index.svelte';
import { CLASSROOM_PATH, isSourceId, type SourceId } from '../engine/models/sources';
import { isDtype, type Dtype } from '../engine/models/precision';
import { isChapterId, type ChapterId } from '../lesson/chapters';
import type { Pace } from '../flow/timeline';
import { SETTINGS_LIMITS, type SettingName } from '../engine/settingsLimits';

/** What the page's URL may set, so an instructor can prepare a link before class. Unknown or malformed values
 * are ignored (never trusted, never inserted as HTML). */
export interface UrlState {
  backend: BackendRequest;
  locale: Locale | null;
  /** A model folder URL (same origin only); null means the embedded model. */
  model: string | null;
  prompt: string | null;
  settings: Partial<{ temperature: number; topK: number; topP: number; minNewTokens: number; seed: number; maxNewTokens: number }>;
  /** The playback frame to open at. */
  frame: number | null;
  present: boolean;
  /** Presentation's type size, in percent of the slide's own (`?size=`, 70–140, in steps of 10). */
  textSize: number;
  /** How the chart plays (`?pace=every`: every box; the default is the overview). */
  pace: Pace;
  /** The model source a link asks for (`?source=`); `?hub=/path` alone asks for a classroom mirror. */
  source: SourceId | null;
  /** The classroom mirror's path on this origin (`?hub=`), where repositories sit in the Hub's layout. */
  hub: string;
  /** The precision of a Hub model (`?dtype=fp32`, `q8`, `q4`…: transformers.js' names); null: the default. */
  dtype: Dtype | null;
  /** A lesson chapter to open at (`?lesson=attention`), so an instructor can link to it. */
  lesson: ChapterId | null;
  /** `?software-gpu=1`: "auto" counts a software WebGPU adapter (headless Chromium's SwiftShader) as a GPU and
   * measures it against WASM, as it would a real one; for tests and demos of that measurement. */
  softwareGpu: boolean;
  /** `?capture=all` or `lean`: what a run records as it generates (capturePlan.ts); null: by the model's size. */
  capture: 'all' | 'lean' | null;
}

export const MAX_URL_PROMPT = 2000;

/** Presentation's type sizes an instructor can pick (A− / A+): 70 % to 140 % of the slide's own (beyond, the chart has room for two boxes), in steps of 10. */
export const TEXT_SIZES = { min: 70, max: 140, step: 10 } as const;

/** The nearest type size on the A− / A+ scale. */
export function presentationTextSize(percent: number): number {
  const stepped = Math.round(percent / TEXT_SIZES.step) * TEXT_SIZES.step;
  return Math.min(TEXT_SIZES.max, Math.max(TEXT_SIZES.min, stepped));
}

function number(params: URLSearchParams, name: string, min: number, max: number, integer = false): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) return undefined;
  return value;
}

/** A URL parameter that names a path on this origin; anything else (another site, javascript:…) is null. */
function sameOriginPath(raw: string | null, origin: string): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw, origin);
    return url.origin === origin ? url.pathname : null;
  } catch {
    return null;
  }
}

export function readUrlState(search: string, origin: string): UrlState {
  const params = new URLSearchParams(search);
  const backend = params.get('backend');
  const lang = params.get('lang');
  const model = sameOriginPath(params.get('model'), origin);
  const settings: UrlState['settings'] = {};
  const setting = (name: SettingName, param: string) =>
    number(params, param, SETTINGS_LIMITS[name].min, SETTINGS_LIMITS[name].max, SETTINGS_LIMITS[name].integer);
  const entries = {
    temperature: setting('temperature', 't'),
    topK: setting('topK', 'k'),
    topP: setting('topP', 'p'),
    minNewTokens: setting('minNewTokens', 'min'),
    seed: setting('seed', 'seed'),
    maxNewTokens: setting('maxNewTokens', 'max'),
  };
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) settings[key as keyof typeof entries] = value;
  const prompt = params.get('prompt');
  const hub = sameOriginPath(params.get('hub'), origin);
  return {
    backend: backend === 'wasm' || backend === 'webgpu' ? backend : 'auto',
    locale: lang === 'zh-CN' || lang === 'zh' ? 'zh-CN' : lang === 'en' ? 'en' : null,
    model,
    prompt: prompt !== null && prompt.length <= MAX_URL_PROMPT ? prompt : null,
    settings,
    frame: number(params, 'frame', 0, 10_000_000, true) ?? null,
    present: params.get('present') === '1',
    textSize: presentationTextSize(number(params, 'size', 0, 1000) ?? 100),
    pace: params.get('pace') === 'every' ? 'every' : 'overview',
    source: isSourceId(params.get('source')) ? (params.get('source') as SourceId) : hub ? 'classroom' : null,
    hub: hub ?? CLASSROOM_PATH,
    dtype: isDtype(params.get('dtype')) ? (params.get('dtype') as Dtype) : null,
    lesson: isChapterId(params.get('lesson')) ? (params.get('lesson') as ChapterId) : null,
    softwareGpu: params.get('software-gpu') === '1',
    capture: params.get('capture') === 'all' || params.get('capture') === 'lean' ? (params.get('capture') as 'all' | 'lean') : null,
  };
}

/** The state as URL parameters (kept parameters such as `debug` and `backend` are preserved by the caller). */
export function urlParams(state: {
  prompt: string;
  settings: { temperature: number; topK: number; topP: number; minNewTokens: number; seed: number; maxNewTokens: number };
  frame: number;
  locale: Locale;
  present: boolean;
  textSize?: number;
  pace?: Pace;
}): Record<string, string> {
  const params: Record<string, string> = {
    lang: state.locale,
    t: String(state.settings.temperature),
    k: String(state.settings.topK),
    p: String(state.settings.topP),
    min: String(state.settings.minNewTokens),
    seed: String(state.settings.seed),
    max: String(state.settings.maxNewTokens),
    frame: String(state.frame),
  };
  if (state.prompt.length <= MAX_URL_PROMPT) params['prompt'] = state.prompt;
  if (state.present) params['present'] = '1';
  if (state.textSize !== undefined && state.textSize !== 100) params['size'] = String(state.textSize);
  if (state.pace === 'every') params['pace'] = 'every';
  return params;
}
