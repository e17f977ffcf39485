/** Errors carry a code and parameters, never sentences: the i18n layer turns them into zh-CN or English. */
export type EngineErrorCode =
  | 'model-fetch-failed' // params: url, status
  | 'model-not-found' // params: url
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
  | 'repo-invalid' // params: repo
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
