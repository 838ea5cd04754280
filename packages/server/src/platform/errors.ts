import type { ErrorCode, ErrorDetail } from '@comeback/contracts';

/**
 * An expected failure, as a value. Modules return `Result`s for what callers must handle and
 * throw only for bugs; `AppError` lets a route end early with a typed failure.
 */
export interface Failure {
  code: ErrorCode;
  message: string;
  details: ErrorDetail[];
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, details: ErrorDetail[] = []) => ({
  ok: false as const,
  error: { code, message, details },
});

export class AppError extends Error {
  readonly failure: Failure;
  readonly retryAfterSeconds: number | undefined;
  constructor(failure: Failure, retryAfterSeconds?: number) {
    super(failure.message);
    this.failure = failure;
    this.retryAfterSeconds = retryAfterSeconds;
  }
  static of(code: ErrorCode, message: string, details: ErrorDetail[] = []): AppError {
    return new AppError({ code, message, details });
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new AppError(result.error);
  return result.value;
}

/** The one place error codes become HTTP statuses. */
export const httpStatusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  payload_too_large: 413,
  uri_too_long: 414,
  headers_too_large: 431,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};
