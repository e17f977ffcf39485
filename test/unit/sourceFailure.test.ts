import { beforeEach, describe, expect, it } from 'vitest';
import { alternativesFor, downloadProblem, listingProblem, retryable } from '../../src/app/sourceProblem';
import {
  classifyProbe,
  forgetProbes,
  readAnswer,
  REMEMBER_MS,
  whyUnanswered,
  type ProbeEnv,
  type ReportWatch,
} from '../../src/engine/models/failure';

describe('reading a source’s answer to a file request', () => {
  it('a missing file: 404, 410, the Hub’s 401, JSON where a graph was expected (ModelScope), this site’s own HTML page', () => {
    expect(readAnswer(404, 'text/html', 'config.json', true)).toBe('missing');
    expect(readAnswer(410, '', 'onnx/model.onnx', true)).toBe('missing');
    expect(readAnswer(401, 'application/json', 'config.json', true)).toBe('missing');
    expect(readAnswer(200, 'application/json', 'onnx/model.onnx', true)).toBe('missing');
    expect(readAnswer(200, 'text/html; charset=utf-8', 'config.json', false)).toBe('missing');
  });

  it('a refusal: a web page from another site where a file was expected, or 403', () => {
    expect(readAnswer(200, 'text/html; charset=utf-8', 'config.json', true)).toBe('refused');
    expect(readAnswer(200, 'text/html', 'onnx/model.onnx', true)).toBe('refused');
    expect(readAnswer(403, 'text/plain', 'onnx/model.onnx', false)).toBe('refused');
  });

  it('another error status is an error; the file itself is ok', () => {
    expect(readAnswer(500, 'text/plain', 'config.json', true)).toBe('error');
    expect(readAnswer(429, '', 'config.json', true)).toBe('error');
    expect(readAnswer(200, 'application/json', 'config.json', true)).toBe('ok');
    expect(readAnswer(206, 'application/octet-stream', 'onnx/model.onnx', true)).toBe('ok');
  });
});

describe('classifying the probe', () => {
  it('an opaque answer or a COEP report means the host answered: the first request was refused', () => {
    expect(classifyProbe('opaque', false, false)).toBe('refused');
    expect(classifyProbe('failed', true, false)).toBe('refused');
  });

  it('a failure means the host is out of reach only where an answer would have shown', () => {
    expect(classifyProbe('failed', false, true)).toBe('unreachable');
    expect(classifyProbe('failed', false, false)).toBe('unknown');
    expect(classifyProbe('timeout', false, true)).toBe('timeout');
  });
});

describe('why a request to a source got no answer', () => {
  const PAGE = 'https://app.example/flow/?lang=en';
  type Call = { url: string; init: RequestInit | undefined };

  /** A browser-like surrounding whose probe answers as `answer` says; `report`: a COEP report names the host. */
  function env(
    answer: 'opaque' | 'reject' | 'hang',
    options: { isolated?: boolean; reports?: boolean; filed?: boolean; report?: boolean; clock?: { now: number } } = {},
  ) {
    const calls: Call[] = [];
    const watch = (): ReportWatch => ({ saw: (origin) => options.report === true && origin === 'https://hf-mirror.com', stop: () => {} });
    const probeEnv: ProbeEnv = {
      pageUrl: PAGE,
      fetch: (async (url: string, init?: RequestInit) => {
        calls.push({ url, init });
        if (answer === 'opaque') return new Response(null, { status: 200 });
        if (answer === 'reject') throw new TypeError('Failed to fetch');
        return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
      }) as typeof fetch,
      watchReports: options.reports === false ? null : watch,
      reportsFiled: options.reports !== false && options.filed !== false,
      crossOriginIsolated: options.isolated ?? false,
      timeoutMs: 50,
      reportWaitMs: 1,
      now: () => options.clock?.now ?? 0,
    };
    return { probeEnv, calls };
  }

  beforeEach(() => forgetProbes());

  it('asks the host once with a no-cors HEAD that sends no Referer and no credentials', async () => {
    const { probeEnv, calls } = env('opaque');
    await expect(whyUnanswered('https://hf-mirror.com/a/b/resolve/main/config.json', probeEnv)).resolves.toBe('refused');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://hf-mirror.com/a/b/resolve/main/config.json');
    expect(calls[0]!.init).toMatchObject({ method: 'HEAD', mode: 'no-cors', credentials: 'omit', referrerPolicy: 'no-referrer' });
  });

  it('a host that answers no request at all could not be reached', async () => {
    const { probeEnv } = env('reject');
    await expect(whyUnanswered('https://huggingface.co/a/b/resolve/main/config.json', probeEnv)).resolves.toBe('unreachable');
  });

  it('in a cross-origin-isolated page the blocked answer shows as a COEP report; without a report there is none', async () => {
    const refused = env('reject', { isolated: true, report: true });
    await expect(whyUnanswered('https://hf-mirror.com/api/models/a/b/tree/main', refused.probeEnv)).resolves.toBe('refused');
    forgetProbes();
    const dead = env('reject', { isolated: true, report: false });
    await expect(whyUnanswered('https://hf-mirror.com/api/models/a/b/tree/main', dead.probeEnv)).resolves.toBe('unreachable');
  });

  it('says it cannot tell where an isolated page has no COEP reports to read, or none it can trust to come', async () => {
    const { probeEnv } = env('reject', { isolated: true, reports: false });
    await expect(whyUnanswered('https://hf-mirror.com/x', probeEnv)).resolves.toBe('unknown');
    forgetProbes();
    const untrusted = env('reject', { isolated: true, filed: false });
    await expect(whyUnanswered('https://hf-mirror.com/x', untrusted.probeEnv)).resolves.toBe('unknown');
    // A report that does come is believed wherever it comes from.
    forgetProbes();
    const seen = env('reject', { isolated: true, filed: false, report: true });
    await expect(whyUnanswered('https://hf-mirror.com/x', seen.probeEnv)).resolves.toBe('refused');
  });

  it('a probe with no answer in time is a timeout', async () => {
    const { probeEnv } = env('hang');
    await expect(whyUnanswered('https://huggingface.co/x', probeEnv)).resolves.toBe('timeout');
  });

  it('files that fail together cost one probe per host; a host is asked again once the answer is old', async () => {
    const clock = { now: 1_000 };
    const { probeEnv, calls } = env('reject', { clock });
    const urls = ['config.json', 'tokenizer.json', 'tokenizer_config.json'].map(
      (file) => `https://huggingface.co/a/b/resolve/main/${file}`,
    );
    const answers = await Promise.all(urls.map((url) => whyUnanswered(url, probeEnv)));
    expect(answers).toEqual(['unreachable', 'unreachable', 'unreachable']);
    expect(calls).toHaveLength(1);
    await whyUnanswered('https://modelscope.cn/models/a/b/resolve/master/config.json', probeEnv);
    expect(calls).toHaveLength(2); // another host: its own probe
    clock.now += REMEMBER_MS + 1;
    await whyUnanswered(urls[0]!, probeEnv);
    expect(calls).toHaveLength(3);
  });

  it('needs no probe within the page’s own origin or outside a browser: no CORS applies there', async () => {
    const { probeEnv, calls } = env('opaque');
    await expect(whyUnanswered('/hub/a/b/resolve/main/config.json', probeEnv)).resolves.toBe('unreachable');
    await expect(whyUnanswered('https://app.example/hub/x', probeEnv)).resolves.toBe('unreachable');
    await expect(whyUnanswered('https://hf-mirror.com/x', { ...probeEnv, pageUrl: null })).resolves.toBe('unreachable');
    expect(calls).toEqual([]);
  });
});

describe('what a failure offers the learner', () => {
  const url = 'https://hf-mirror.com/api/models/a/b/tree/main?recursive=true';

  it('a listing failure becomes the engine’s error for its reason, with the host; a missing repository has none', () => {
    expect(listingProblem('a/b', 'hf-mirror', 'refused', url, null).error).toEqual({
      code: 'source-refused',
      params: { url, host: 'hf-mirror.com' },
    });
    expect(listingProblem('a/b', 'hf-mirror', 'error', url, 502).error).toEqual({
      code: 'model-fetch-failed',
      params: { url, host: 'hf-mirror.com', status: 502 },
    });
    expect(listingProblem('a/b', 'hf-mirror', 'not-found', url, null).error).toBeNull();
  });

  it('offers every other source for a failure of the source, the classroom server only where it holds the repository', () => {
    const refused = listingProblem('a/b', 'hf-mirror', 'refused', url, null);
    expect(alternativesFor(refused, false)).toEqual(['huggingface', 'modelscope']);
    expect(alternativesFor(refused, true)).toEqual(['huggingface', 'modelscope', 'classroom']);
    expect(alternativesFor(listingProblem('a/b', 'modelscope', 'not-found', url, null), false)).toEqual(['huggingface', 'hf-mirror']);
    expect(alternativesFor(downloadProblem('a/b', 'classroom', { code: 'source-unreachable', params: { url, host: 'x' } }), true)).toEqual([
      'huggingface',
      'hf-mirror',
      'modelscope',
    ]);
    // A model that does not run here runs nowhere else either: no source to offer.
    expect(
      alternativesFor(downloadProblem('a/b', 'modelscope', { code: 'architecture-unsupported', params: { architecture: 'mamba' } }), true),
    ).toEqual([]);
  });

  it('offers asking again only where it can help', () => {
    expect(retryable(listingProblem('a/b', 'huggingface', 'unreachable', url, null))).toBe(true);
    expect(retryable(listingProblem('a/b', 'huggingface', 'timeout', url, null))).toBe(true);
    expect(retryable(listingProblem('a/b', 'hf-mirror', 'refused', url, null))).toBe(false);
    expect(retryable(listingProblem('a/b', 'hf-mirror', 'not-found', url, null))).toBe(false);
    expect(downloadProblem('a/b', 'modelscope', { code: 'model-fetch-failed', params: { url, host: 'x', status: 503 } })).toMatchObject({
      url,
      status: 503,
    });
  });
});
