import { en as baseEn } from './en';
import { zhCN as baseZhCN } from './zh-CN';
import { flowEn } from './flow.en';
import { flowZhCN } from './flow.zh-CN';
import { viewsEn } from './views.en';
import { viewsZhCN } from './views.zh-CN';
import { hubEn } from './hub.en';
import { hubZhCN } from './hub.zh-CN';
import { termsEn } from './terms.en';
import { spacedValue } from './spacing';
import { termsZhCN } from './terms.zh-CN';
import type { labEn } from './lab.en';
import type { lessonEn } from './lesson.en';

const en = { ...baseEn, ...flowEn, ...viewsEn, ...hubEn, ...termsEn };
/** Every key, those of views that bring their own strings when they load (the tokenizer lab, the lesson) included. */
export type MessageKey = keyof typeof en | keyof typeof labEn | keyof typeof lessonEn;
const zhCN: Record<keyof typeof en, string> = { ...baseZhCN, ...flowZhCN, ...viewsZhCN, ...hubZhCN, ...termsZhCN };

export type Locale = 'zh-CN' | 'en';
const catalogs: Record<Locale, Partial<Record<MessageKey, string>>> = { 'zh-CN': { ...zhCN }, en: { ...en } };

/** The browser's language picks the first locale: any Chinese → zh-CN, anything else → English. */
export function detectLocale(languages: readonly string[]): Locale {
  return languages.some((language) => language.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

/** A message in one language, its `{name}` parameters filled in. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The messages of one locale, whatever the page's language (tests, and texts that must not follow it). */
export function translator(locale: Locale): Translate {
  return (key, params = {}) => {
    const template = catalogs[locale][key] ?? catalogs.en[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (match, name: string, at: number) =>
      name in params ? spacedValue(template[at - 1], String(params[name]), template[at + match.length]) : match,
    );
  };
}

class I18n {
  locale = $state<Locale>('en');

  t: Translate = (key, params = {}) => translator(this.locale)(key, params);

  has(key: string): key is MessageKey {
    return key in catalogs.en;
  }

  /** Adds the strings of a view that loads on demand (its own chunk), in both languages. */
  add<K extends MessageKey>(strings: Record<Locale, Record<K, string>>): void {
    Object.assign(catalogs.en, strings.en);
    Object.assign(catalogs['zh-CN'], strings['zh-CN']);
  }
}

export const i18n = new I18n();
export { en, zhCN };
