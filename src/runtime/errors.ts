/**
 * Failures the pipeline turns into the kind's failure reply (see `src/http/pipeline.ts`).
 * Messages name what failed, never a secret, a header value or a raw response body.
 */
export class WebhookError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A setting is missing or malformed; the function cannot serve until it is fixed. */
export class ConfigError extends WebhookError {}

/** The per-invocation deadline passed before an outside call finished. */
export class DeadlineExceededError extends WebhookError {}

/** DynamoDB could not be read or written. */
export class StoreUnavailableError extends WebhookError {}

/** The accepted webhook tokens could not be loaded. */
export class TokenSourceError extends WebhookError {}

/** The audit item could not be written. */
export class AuditWriteError extends WebhookError {}
