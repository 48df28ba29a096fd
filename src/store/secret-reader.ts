import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Deadline } from '../kernel/deadline';
import { DeadlineExceededError } from '../kernel/errors';
import { timedCall } from '../kernel/timed-call';

/**
 * Reads Secrets Manager secrets for the token source and the connector secrets alike: each
 * value parsed once and cached per name, one read in flight per name however many calls ask,
 * failures never cached (a fixed secret works on the next call). Messages name the secret and
 * the SDK error's name, never a value.
 */
export class CachedSecretReader<T> {
  private readonly cached = new Map<string, { value: T; fetchedAt: number }>();
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly options: {
      /** Turns the secret's text into its value; throws (the caller's error) when it is malformed. */
      parse: (name: string, text: string) => T;
      /** How messages name the secret: "the token secret", "credential <name>". */
      describe: (name: string) => string;
      /** The caller's error for a secret that cannot be read. */
      failure: (message: string, cause?: unknown) => Error;
      now?: () => number;
    },
  ) {}

  /** The value, read again when the cached one is `maxAgeMs` old or older. */
  async read(name: string, deadline: Deadline, maxAgeMs: number): Promise<T> {
    const now = this.options.now ?? Date.now;
    const cached = this.cached.get(name);
    if (cached && now() - cached.fetchedAt < maxAgeMs) return cached.value;
    let pending = this.inFlight.get(name);
    if (!pending) {
      pending = this.fetch(name, deadline).finally(() => this.inFlight.delete(name));
      this.inFlight.set(name, pending);
    }
    return pending;
  }

  private async fetch(name: string, deadline: Deadline): Promise<T> {
    const { parse, describe, failure } = this.options;
    let text: string | undefined;
    try {
      const result = await timedCall(deadline, `reading ${describe(name)}`, undefined, (abortSignal) =>
        this.client.send(new GetSecretValueCommand({ SecretId: name }), { abortSignal }),
      );
      text = result.SecretString;
    } catch (error) {
      if (error instanceof DeadlineExceededError) throw error;
      throw failure(`${describe(name)} could not be read (${error instanceof Error ? error.name : 'unknown error'})`, error);
    }
    if (text === undefined) throw failure(`${describe(name)} has no string value`);
    const value = parse(name, text);
    this.cached.set(name, { value, fetchedAt: (this.options.now ?? Date.now)() });
    return value;
  }
}

/** Short timeouts and two attempts: every read is also bounded by the call's deadline. */
export function createSecretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } });
}
