/**
 * Failures the pipeline turns into the kind's failure reply (src/http/pipeline.ts). Each class
 * carries its `reason`: the short, fixed word logs, metrics and the reply's `reason` use, never
 * an error's own text. Messages name what failed, never a secret, a header value or a raw
 * response body. Names are spelled out because minified bundles rename classes.
 */

/** Why a call's check could not run. */
export const FAILURE_REASONS = [
  'deadline_exceeded',
  'store_unavailable',
  'store_rejected_input',
  'audit_unavailable',
  'credential_store_unavailable',
  'misconfigured',
  'internal_error',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export class WebhookError extends Error {
  readonly reason: FailureReason = 'internal_error';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookError';
  }
}

/** The reason of any thrown value: ours carry one; anything else is a bug. */
export function failureReason(error: unknown): FailureReason {
  return error instanceof WebhookError ? error.reason : 'internal_error';
}

/** A setting is missing or malformed; the function cannot serve until it is fixed. */
export class ConfigError extends WebhookError {
  override name = 'ConfigError';
  override readonly reason = 'misconfigured';
}

/** The per-invocation deadline passed before an outside call finished. */
export class DeadlineExceededError extends WebhookError {
  override name = 'DeadlineExceededError';
  override readonly reason = 'deadline_exceeded';
}

/** DynamoDB could not be read or written. */
export class StoreUnavailableError extends WebhookError {
  override name = 'StoreUnavailableError';
  override readonly reason = 'store_unavailable';
}

/**
 * DynamoDB refused a request as malformed (a ValidationException: a key too long or empty, an
 * item too large). DynamoDB is up: this is input the checks before it should have refused.
 */
export class StoreRejectedInputError extends WebhookError {
  override name = 'StoreRejectedInputError';
  override readonly reason = 'store_rejected_input';
}

/** The accepted webhook tokens could not be loaded. */
export class TokenSourceError extends WebhookError {
  override name = 'TokenSourceError';
  override readonly reason = 'credential_store_unavailable';
}

/** The audit item could not be written. */
export class AuditWriteError extends WebhookError {
  override name = 'AuditWriteError';
  override readonly reason = 'audit_unavailable';
}
