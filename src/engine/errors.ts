/** Errors carry a code and parameters, never sentences: the i18n layer turns them into zh-CN or English. */
export type EngineErrorCode =
  | 'model-fetch-failed' // params: url, host, status (the source answered with an HTTP error)
  | 'model-not-found' // params: url, file, where (the host, or the folder's name)
  | 'source-refused' // params: url, host (it answered, but not to this page: CORS, a web page instead of the file, 403)
  | 'source-unreachable' // params: url, host (no connection: host not found, refused, reset)
  | 'source-unknown' // params: url, host (one of the two above; this browser cannot tell which)
  | 'source-timeout' // params: url, host
  | 'model-not-onnx' // params: file
  | 'model-truncated' // params: file, loaded, total
  | 'config-invalid' // params: field
  | 'architecture-unsupported' // params: architecture
  | 'probe-missing' // params: points (comma-separated capture points that were not found), architecture (model_type)
  | 'session-failed' // params: backend, detail
  | 'device-lost' // params: detail
  | 'prompt-empty'
  | 'tokenizer-failed' // params: detail
  | 'worker-crashed' // params: detail
  | 'busy'
  | 'download-cancelled'
  | 'ranking-cancelled'
  | 'patching-cancelled'
  | 'patch-lengths' // params: clean, corrupted (token counts)
  | 'repo-invalid' // params: repo
  | 'trace-invalid' // params: file, why ('not-json' | 'not-trace' | 'version' | 'broken'), detail
  | 'too-large-to-measure' // params: megabytes (the weights a second session would load again)
  | 'internal'; // params: detail

export interface EngineErrorData {
  code: EngineErrorCode;
  params: Record<string, string | number>;
}

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly params: Record<string, string | number>;

  constructor(code: EngineErrorCode, params: Record<string, string | number> = {}) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'EngineError';
    this.code = code;
    this.params = params;
  }

  toData(): EngineErrorData {
    return { code: this.code, params: this.params };
  }
}

/** Any thrown value as error data that can cross the worker boundary. */
export function toErrorData(error: unknown): EngineErrorData {
  if (error instanceof EngineError) return error.toData();
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'internal', params: { detail } };
}
