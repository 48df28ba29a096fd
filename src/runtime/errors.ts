/**
 * Failures the pipeline turns into the kind's failure reply (see `src/http/pipeline.ts`).
 * Messages name what failed, never a secret, a header value or a raw response body.
 * Names are spelled out because minified bundles rename classes, and logs should not say "go".
 */
export class WebhookError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookError';
  }
}

/** A setting is missing or malformed; the function cannot serve until it is fixed. */
export class ConfigError extends WebhookError {
  override name = 'ConfigError';
}

/** The per-invocation deadline passed before an outside call finished. */
export class DeadlineExceededError extends WebhookError {
  override name = 'DeadlineExceededError';
}

/** DynamoDB could not be read or written. */
export class StoreUnavailableError extends WebhookError {
  override name = 'StoreUnavailableError';
}

/** The accepted webhook tokens could not be loaded. */
export class TokenSourceError extends WebhookError {
  override name = 'TokenSourceError';
}

/** The audit item could not be written. */
export class AuditWriteError extends WebhookError {
  override name = 'AuditWriteError';
}

/**
 * DynamoDB refused a request as malformed (a ValidationException: a key too long or empty, an
 * item too large). DynamoDB is up: this is input the checks before it should have refused.
 */
export class StoreRejectedInputError extends WebhookError {
  override name = 'StoreRejectedInputError';
}
