/**
 * The text of a source's secret, through the cached Secrets Manager reader the connectors use,
 * and only under the connector prefix (as src/provisioners/connector-secrets.ts enforces), so a
 * source item cannot name any other secret the sync's role happens to reach. The text is parsed
 * per source type by fetchSource; it is never logged.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Deadline } from '../kernel/deadline';
import { CachedSecretReader } from '../store/secret-reader';

/** A source's secret was refused or could not be read; the message names it, never its value. */
export class SourceSecretReadError extends Error {
  override name = 'SourceSecretReadError';
}

export interface SourceSecretTexts {
  read(name: string, deadline: Deadline): Promise<string>;
}

export class SecretsManagerSourceSecrets implements SourceSecretTexts {
  private readonly reader: CachedSecretReader<string>;

  constructor(
    client: SecretsManagerClient,
    private readonly prefix: string,
    /** A rotated key is picked up within this long; the sync runs every few minutes. */
    private readonly cacheMs: number = 300_000,
  ) {
    if (!prefix) throw new SourceSecretReadError('the connector secret prefix must not be empty');
    this.reader = new CachedSecretReader(client, {
      parse: (_name, text) => text,
      describe: (name) => `secret ${name}`,
      failure: (message, cause) => new SourceSecretReadError(message, { cause }),
    });
  }

  read(name: string, deadline: Deadline): Promise<string> {
    if (!name.startsWith(this.prefix)) return Promise.reject(new SourceSecretReadError(`secret ${name} is not under the connector prefix ${this.prefix}`));
    return this.reader.read(name, deadline, this.cacheMs);
  }
}
