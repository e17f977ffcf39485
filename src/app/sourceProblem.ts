import type { EngineErrorData } from '../engine/errors';
import { hostOf } from '../engine/models/failure';
import type { ListingFailure } from '../engine/models/listing';
import { SOURCE_IDS, type SourceId } from '../engine/models/sources';

/** What went wrong with the last listing or download, for the block by the Hub panel's Download button. */
export interface Problem {
  stage: 'listing' | 'download';
  repo: string;
  source: SourceId;
  /** The engine's error; null for a repository the source lacks (the panel has its own sentence for it). */
  error: EngineErrorData | null;
  /** The address asked and the HTTP status, for "Details". */
  url: string | null;
  status: number | null;
}

/** A listing's failure as the engine's errors say it. */
export function listingProblem(repo: string, source: SourceId, reason: ListingFailure, url: string, status: number | null): Problem {
  const where = { url, host: hostOf(url) };
  const error: EngineErrorData | null =
    reason === 'not-found'
      ? null
      : reason === 'error'
        ? { code: 'model-fetch-failed', params: { ...where, status: status ?? 0 } }
        : { code: `source-${reason}`, params: where };
  return { stage: 'listing', repo, source, error, url: url || null, status };
}

/** A download's failure (the engine's error, with its address and status when it has them). */
export function downloadProblem(repo: string, source: SourceId, error: EngineErrorData): Problem {
  const url = typeof error.params['url'] === 'string' ? error.params['url'] : null;
  return { stage: 'download', repo, source, error, url, status: Number(error.params['status']) || null };
}

/** Failures of where the files come from, not of what they hold: another source may well do better. */
const SOURCE_ERRORS: readonly string[] = [
  'source-refused',
  'source-unreachable',
  'source-unknown',
  'source-timeout',
  'model-fetch-failed',
  'model-not-found',
  'model-truncated',
];

/** The sources to offer instead of `problem.source` (none where another source would hold the same files):
 * every other one, the classroom server only where it holds the repository. */
export function alternativesFor(problem: Pick<Problem, 'source' | 'error'>, classroomHolds: boolean): SourceId[] {
  if (problem.error && !SOURCE_ERRORS.includes(problem.error.code)) return [];
  return otherSources(problem.source, classroomHolds);
}

export function otherSources(from: SourceId, classroomHolds: boolean): SourceId[] {
  return SOURCE_IDS.filter((id) => id !== from && (id !== 'classroom' || classroomHolds));
}

/** Asking the same source again can help, unless it refused this page or lacks the repository. */
export function retryable(problem: Pick<Problem, 'error'>): boolean {
  return problem.error !== null && problem.error.code !== 'source-refused' && problem.error.code !== 'model-not-found';
}
