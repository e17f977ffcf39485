import { en as baseEn } from './en';
import { zhCN as baseZhCN } from './zh-CN';
import { flowEn } from './flow.en';
import { flowZhCN } from './flow.zh-CN';
import { viewsEn } from './views.en';
import { viewsZhCN } from './views.zh-CN';

const en = { ...baseEn, ...flowEn, ...viewsEn };
export type MessageKey = keyof typeof en;
const zhCN: Record<MessageKey, string> = { ...baseZhCN, ...flowZhCN, ...viewsZhCN };

export type Locale = 'zh-CN' | 'en';
const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

/** The browser's language picks the first locale: any Chinese → zh-CN, anything else → English. */
export function detectLocale(languages: readonly string[]): Locale {
  return languages.some((language) => language.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

class I18n {
  locale = $state<Locale>('en');

  t = (key: MessageKey, params: Record<string, string | number> = {}): string => {
    const template = catalogs[this.locale][key] ?? en[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
  };

  has(key: string): key is MessageKey {
    return key in en;
  }
}

export const i18n = new I18n();
export { en, zhCN };
