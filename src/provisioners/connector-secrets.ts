import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Deadline } from '../kernel/deadline';
import { ConfigError, WebhookError } from '../kernel/errors';
import { type ConnectorSecret, ConnectorSecretSchema } from '../rules/http-spec';
import { CachedSecretReader } from '../store/secret-reader';

/** A connector secret was refused, could not be read or is malformed. Messages never hold its value. */
export class ConnectorSecretError extends WebhookError {
  override name = 'ConnectorSecretError';
}

/** The credentials `http` provisioning rules name. */
export interface ConnectorSecrets {
  get(name: string, deadline: Deadline): Promise<ConnectorSecret>;
}

/**
 * Names the secret's value problems by field and kind only: never the value, and never a
 * JSON.parse message, which quotes the text it failed on.
 */
export function parseConnectorSecret(name: string, text: string): ConnectorSecret {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConnectorSecretError(`credential ${name} is not JSON; expected {"header", "value", "allowed_hosts"}`);
  }
  const result = ConnectorSecretSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.code}`);
    throw new ConnectorSecretError(`credential ${name} is malformed (${problems.join(', ')}); expected {"header", "value", "allowed_hosts"}`);
  }
  return result.data;
}

/**
 * Reads only secrets under the deployment's prefix, so a rule cannot name any other secret the
 * function's role happens to reach. Cached per name; failures are not cached, so a fixed
 * secret works on the next call.
 */
export class SecretsManagerConnectorSecrets implements ConnectorSecrets {
  private readonly reader: CachedSecretReader<ConnectorSecret>;

  constructor(
    client: SecretsManagerClient,
    private readonly prefix: string,
    private readonly cacheMs: number = 300_000,
    now: () => number = Date.now,
  ) {
    // An empty prefix would let a rule name every secret the role can read.
    if (!prefix) throw new ConfigError('the connector secret prefix must not be empty');
    this.reader = new CachedSecretReader(client, {
      parse: parseConnectorSecret,
      describe: (name) => `credential ${name}`,
      failure: (message, cause) => new ConnectorSecretError(message, { cause }),
      now,
    });
  }

  async get(name: string, deadline: Deadline): Promise<ConnectorSecret> {
    if (!name.startsWith(this.prefix)) {
      throw new ConnectorSecretError(`credential ${name} is not under the connector prefix ${this.prefix}`);
    }
    return this.reader.read(name, deadline, this.cacheMs);
  }
}
