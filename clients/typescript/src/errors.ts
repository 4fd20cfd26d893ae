import type { Problem } from './types.js';

/** The silo answered with an error; {@link problem} is its problem document. */
export class SessionsApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    /** Seconds to wait before retrying (429 and 503). */
    readonly retryAfter: number | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `The sessions API answered ${status}.`);
    this.name = 'SessionsApiError';
  }

  /** The field the problem names ("operationId", "expectedSuffix", "sessionId", …). */
  get field(): string | undefined {
    return this.problem?.field;
  }
}

/**
 * The browser refused the request under CORS (the silo does not allow this page's origin, or not a header it sent)
 * and gave no answer, only a TypeError like a network failure's. It is not retried: repeating it cannot help.
 */
export class SessionsCorsError extends TypeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionsCorsError';
  }
}
