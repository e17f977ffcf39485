/** Where Hub-layout model repositories can be downloaded from. Many learners are in mainland China, where
 * huggingface.co does not open. ModelScope hosts many of the same repositories (onnx-community/…, Xenova/…) and
 * its file CDN answers browsers from any origin (CORS `*`), so it is the source offered there. hf-mirror.com
 * mirrors the Hub's layout but restricts cross-origin requests and checks the Referer, so from a web page it
 * often refuses; it stays selectable for networks where it answers. A classroom server holds repositories next
 * to the app. */

export type SourceId = 'huggingface' | 'hf-mirror' | 'modelscope' | 'classroom';

export const SOURCE_IDS: readonly SourceId[] = ['huggingface', 'hf-mirror', 'modelscope', 'classroom'];

/** The origins the sources download from (the classroom server is this page's own origin). */
export const SOURCE_ORIGINS = {
  huggingface: 'https://huggingface.co',
  'hf-mirror': 'https://hf-mirror.com',
  modelscope: 'https://modelscope.cn',
} as const;

/** The default path of a classroom mirror on the app's own server: /hub/{owner}/{name}/resolve/main/{file}. */
export const CLASSROOM_PATH = '/hub';

export function isSourceId(value: unknown): value is SourceId {
  return typeof value === 'string' && (SOURCE_IDS as readonly string[]).includes(value);
}

/** A source's origin (its listing API and files live under it), or the one tests put in its place. */
export function sourceOrigin(source: keyof typeof SOURCE_ORIGINS, origins: Partial<Record<SourceId, string>> = {}): string {
  return (origins[source] ?? SOURCE_ORIGINS[source]).replace(/\/+$/, '');
}

/** The folder URL of a repository on a source; a file's URL is this plus `/{file}`. `origins` replaces the real
 * hosts (tests imitate them on local servers). */
export function sourceFolderUrl(
  source: SourceId,
  repo: string,
  classroomPath: string = CLASSROOM_PATH,
  origins: Partial<Record<SourceId, string>> = {},
): string {
  switch (source) {
    case 'huggingface':
    case 'hf-mirror':
      return `${sourceOrigin(source, origins)}/${repo}/resolve/main`;
    case 'modelscope':
      return `${sourceOrigin('modelscope', origins)}/models/${repo}/resolve/master`;
    case 'classroom':
      return `${(origins.classroom ?? classroomPath).replace(/\/+$/, '')}/${repo}/resolve/main`;
  }
}

/** The folder URL a repository's files are stored under in the browser's cache, whatever source they came from,
 * so a model downloaded from one source is found again from another. */
export function storedFolderUrl(repo: string): string {
  return `${SOURCE_ORIGINS.huggingface}/${repo}/resolve/main`;
}

/** The repository named by `owner/name`, or by a link to it on any of the sources; null for anything else. */
export function parseRepo(input: string): string | null {
  const repo = input
    .trim()
    .replace(/^https?:\/\/(huggingface\.co|hf-mirror\.com)\//, '')
    .replace(/^https?:\/\/(www\.)?modelscope\.cn\/models\//, '')
    .replace(/\/(tree|resolve|blob|files|summary)(\/.*)?$/, '')
    .replace(/\/+$/, '');
  return /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/.test(repo) ? repo : null;
}

export type SourceReason = 'url' | 'classroom' | 'saved' | 'locale' | 'default';

/** The source to start with: the link's (`?source=`, or `?hub=` for a classroom mirror), then the classroom
 * server where the site is a class pack (a class without internet, whatever a learner picked before), then the
 * learner's last choice, then ModelScope for a Chinese page (huggingface.co is often out of reach there), else the
 * Hub. */
export function initialSource(
  fromUrl: SourceId | null,
  saved: string | null,
  locale: string,
  classPack = false,
): { source: SourceId; reason: SourceReason } {
  if (fromUrl) return { source: fromUrl, reason: 'url' };
  if (classPack) return { source: 'classroom', reason: 'classroom' };
  if (isSourceId(saved)) return { source: saved, reason: 'saved' };
  if (locale === 'zh-CN') return { source: 'modelscope', reason: 'locale' };
  return { source: 'huggingface', reason: 'default' };
}
