/**
 * The text of a source's secret, through the cached Secrets Manager reader the connectors use,
 * and only under the source secret prefix (or, during an upgrade, the legacy one), so a source
 * item cannot name any other secret the sync's role happens to reach. The text is parsed per
 * source type by fetchSource; it is never logged.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Deadline } from '../kernel/deadline';
import { CachedSecretReader } from '../store/secret-reader';
import { type SourceSecretPrefixes, secretPrefixOf, sourcePrefixesProblem } from './source-secret-prefixes';

/** A source's secret was refused or could not be read; the message names it, never its value. */
export class SourceSecretReadError extends Error {
  override name = 'SourceSecretReadError';
}

export interface SourceSecretTexts {
  read(name: string, deadline: Deadline): Promise<string>;
}

export interface SourceSecretOptions {
  /** A rotated key is picked up within this long; the sync runs every few minutes. */
  cacheMs?: number;
  /** Called on each read of a secret under the legacy prefix (the function counts it as a warning). */
  onLegacyRead?: (name: string) => void;
}

export class SecretsManagerSourceSecrets implements SourceSecretTexts {
  private readonly reader: CachedSecretReader<string>;
  private readonly cacheMs: number;

  constructor(
    client: SecretsManagerClient,
    private readonly prefixes: SourceSecretPrefixes,
    private readonly options: SourceSecretOptions = {},
  ) {
    // A prefix that is empty or holds a wildcard would let a source item name any secret the role reaches.
    const misconfigured = sourcePrefixesProblem(prefixes);
    if (misconfigured !== null) throw new SourceSecretReadError(misconfigured);
    this.cacheMs = options.cacheMs ?? 300_000;
    this.reader = new CachedSecretReader(client, {
      parse: (_name, text) => text,
      describe: (name) => `secret ${name}`,
      failure: (message, cause) => new SourceSecretReadError(message, { cause }),
    });
  }

  read(name: string, deadline: Deadline): Promise<string> {
    const under = secretPrefixOf(name, this.prefixes);
    if ('problem' in under) return Promise.reject(new SourceSecretReadError(`secret ${name} is refused: ${under.problem}`));
    if (under.under === 'legacy') this.options.onLegacyRead?.(name);
    return this.reader.read(name, deadline, this.cacheMs);
  }
}
