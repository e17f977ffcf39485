/// <reference lib="webworker" />
/** The tokenizer lab's worker: loads each real tokenizer on first use and splits the learner's text, so a long
 * text never blocks the page. One per page, started when the Tokenizers view is first shown. */
import { toErrorData } from '../errors';
import type { FileProgress } from '../models/folder';
import type { LabTokenizerId } from './catalog';
import type { LabEvent, SplitRequest, TokenizerSplit } from './protocol';
import { loadEncoder, type LabEncoder } from './sources';
import { summarize } from './summary';

const post = (event: LabEvent) => (self as DedicatedWorkerGlobalScope).postMessage(event);

interface Loading {
  encoder: Promise<LabEncoder>;
  listeners: Set<(progress: FileProgress) => void>;
}
const loading = new Map<LabTokenizerId, Loading>();

/** One load per tokenizer, however many requests wait for it; a failed load is forgotten, so the next asks again. */
function encoderFor(id: LabTokenizerId, onProgress: (progress: FileProgress) => void): Promise<LabEncoder> {
  let entry = loading.get(id);
  if (!entry) {
    const listeners = new Set<(progress: FileProgress) => void>();
    const encoder = loadEncoder(id, (progress) => listeners.forEach((listener) => listener(progress)));
    entry = { encoder, listeners };
    loading.set(id, entry);
    encoder.catch(() => loading.delete(id));
  }
  entry.listeners.add(onProgress);
  return entry.encoder.finally(() => entry.listeners.delete(onProgress));
}

/** The newest text asked of each tokenizer: older requests still queued are skipped (typing sends many). */
const newest = new Map<LabTokenizerId, string>();
/** The last split of each tokenizer, so "show more" of the same text only describes more tokens. */
const last = new Map<LabTokenizerId, { text: string; ids: number[]; summary: TokenizerSplit['summary'] }>();

/** A character cut at the `limit` still shows whole: describe a few tokens past it, then cut. */
const DESCRIBE_MARGIN = 8;

async function split(request: SplitRequest): Promise<TokenizerSplit | null> {
  const encoder = await encoderFor(request.tokenizer, (progress) => post({ id: request.id, type: 'progress', progress }));
  // Let messages already queued arrive (a newer text makes this one stale).
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (newest.get(request.tokenizer) !== request.text) return null;
  let done = last.get(request.tokenizer);
  if (done?.text !== request.text) {
    const ids = encoder.encode(request.text);
    done = { text: request.text, ids, summary: summarize(request.text, encoder.describe(ids)) };
    last.set(request.tokenizer, done);
  }
  const shown = done.ids.slice(0, request.limit + DESCRIBE_MARGIN);
  return {
    tokenizer: request.tokenizer,
    text: request.text,
    vocabSize: encoder.vocabSize,
    summary: done.summary,
    tokens: encoder.describe(shown).slice(0, request.limit),
  };
}

self.onmessage = (message: MessageEvent<SplitRequest>) => {
  const request = message.data;
  newest.set(request.tokenizer, request.text);
  split(request).then(
    (value) => post({ id: request.id, type: 'result', value }),
    (error) => post({ id: request.id, type: 'error', error: toErrorData(error) }),
  );
};
