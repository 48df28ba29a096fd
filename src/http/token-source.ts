import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Deadline } from '../kernel/deadline';
import { TokenSourceError } from '../kernel/errors';
import { CachedSecretReader } from '../store/secret-reader';

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
  private readonly reader: CachedSecretReader<string[]>;

  constructor(
    client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly cacheMs: number,
    private readonly minRefreshMs: number,
    now: () => number = Date.now,
  ) {
    this.reader = new CachedSecretReader(client, {
      parse: (_name, text) => parseTokenSecret(text),
      describe: () => 'the token secret',
      failure: (message, cause) => new TokenSourceError(message, { cause }),
      now,
    });
  }

  async tokens(deadline: Deadline, options: { afterMismatch?: boolean } = {}): Promise<readonly string[]> {
    const maxAgeMs = options.afterMismatch === true ? Math.min(this.cacheMs, this.minRefreshMs) : this.cacheMs;
    return this.reader.read(this.secretId, deadline, maxAgeMs);
  }
}
