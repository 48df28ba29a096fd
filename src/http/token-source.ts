import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Deadline } from '../kernel/deadline';
import { DeadlineExceededError, TokenSourceError } from '../kernel/errors';

/** The webhook tokens currently accepted. */
export interface TokenSource {
  /** `afterMismatch` asks for a re-read (rate-limited), so a just-added token works at once. */
  tokens(deadline: Deadline, options?: { afterMismatch?: boolean }): Promise<readonly string[]>;
}

/** A fixed token from the environment: local runs only. */
export class EnvTokenSource implements TokenSource {
  private readonly accepted: readonly string[];
  constructor(token: string) {
    this.accepted = [token];
  }
  async tokens(): Promise<readonly string[]> {
    return this.accepted;
  }
}

/**
 * The secret holds one token as a plain string, or `{"tokens": ["new", "old"]}` so rotation is
 * add-new, update Lumos, remove-old with no outage.
 */
export function parseTokenSecret(secret: string): string[] {
  const text = secret.trim();
  if (!text.startsWith('{')) {
    if (!text) throw new TokenSourceError('the token secret is empty');
    return [text];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TokenSourceError('the token secret starts with "{" but is not valid JSON');
  }
  const tokens = (parsed as { tokens?: unknown }).tokens;
  if (!Array.isArray(tokens) || tokens.length === 0 || !tokens.every((token) => typeof token === 'string' && token.trim())) {
    throw new TokenSourceError('the token secret must be a plain token or {"tokens": ["<token>", ...]} with non-empty strings');
  }
  return tokens.map((token: string) => token.trim());
}

export class SecretsManagerTokenSource implements TokenSource {
  private cached: { tokens: string[]; fetchedAt: number } | undefined;
  private inFlight: Promise<string[]> | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly cacheMs: number,
    private readonly minRefreshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async tokens(deadline: Deadline, options: { afterMismatch?: boolean } = {}): Promise<readonly string[]> {
    const cached = this.cached;
    if (cached) {
      const age = this.now() - cached.fetchedAt;
      const stale = age >= this.cacheMs || (options.afterMismatch === true && age >= this.minRefreshMs);
      if (!stale) return cached.tokens;
    }
    this.inFlight ??= this.fetch(deadline).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(deadline: Deadline): Promise<string[]> {
    const abortSignal = deadline.signal();
    let secret: string | undefined;
    try {
      const result = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }), { abortSignal });
      secret = result.SecretString;
    } catch (error) {
      if (abortSignal.aborted) throw new DeadlineExceededError('deadline reached while reading the token secret', { cause: error });
      const name = error instanceof Error ? error.name : 'unknown error';
      throw new TokenSourceError(`the token secret could not be read (${name})`, { cause: error });
    }
    if (secret === undefined) throw new TokenSourceError('the token secret has no string value');
    const tokens = parseTokenSecret(secret);
    this.cached = { tokens, fetchedAt: this.now() };
    return tokens;
  }
}

export function createSecretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } });
}
