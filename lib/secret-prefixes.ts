import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { prefixesOverlap, secretPrefixProblem } from '../src/store/secret-prefix';
import { ContextError } from './context';

/** The name prefixes the stack grants secrets under (docs/deploy.md, "Secrets"). */
export interface SecretPrefixes {
  /** http provisioner secrets: provisioning, deprovisioning, the expiry sweeper. */
  readonly connectorSecretPrefix: string;
  /** State sources' secrets: the state sync only. */
  readonly sourceSecretPrefix: string;
  /** While source secrets are moved: the old prefix the state sync may still read. */
  readonly legacySourceSecretPrefix: string | undefined;
}

/**
 * The prefixes, refused when one would grant more than the secrets named under it (empty, or an
 * IAM wildcard such as `*`, which would grant every secret in the account and region), or when
 * the connector and source prefixes overlap: the state sync would then read provisioner
 * credentials and the provisioners the sources' keys. The legacy prefix may overlap the connector
 * prefix: that is the upgrade it exists for.
 */
export function checkedSecretPrefixes(prefixes: SecretPrefixes): SecretPrefixes {
  for (const [key, value] of Object.entries(prefixes) as [keyof SecretPrefixes, string | undefined][]) {
    if (value === undefined) continue;
    const problem = secretPrefixProblem(value);
    if (problem !== null) throw new ContextError(`context ${key} ${JSON.stringify(value)} ${problem}`);
  }
  const { connectorSecretPrefix, sourceSecretPrefix, legacySourceSecretPrefix } = prefixes;
  if (prefixesOverlap(connectorSecretPrefix, sourceSecretPrefix)) {
    throw new ContextError(
      `context sourceSecretPrefix ${JSON.stringify(sourceSecretPrefix)} and connectorSecretPrefix ${JSON.stringify(connectorSecretPrefix)} overlap: the state sync could read provisioner credentials and the provisioners the sources' keys; give prefixes neither of which starts with the other`,
    );
  }
  if (legacySourceSecretPrefix === sourceSecretPrefix) {
    throw new ContextError(`context legacySourceSecretPrefix is the sourceSecretPrefix ${JSON.stringify(sourceSecretPrefix)}: leave it unset`);
  }
  return prefixes;
}

/** Where the sources' secrets go, for admins and for `lumos-state sync --stack` (src/cli/state/source-options.ts). */
export function addSecretPrefixOutputs(scope: Construct, prefixes: SecretPrefixes): void {
  new CfnOutput(scope, 'SourceSecretPrefix', {
    description: "State sources' secrets must be named with this prefix; only the state sync may read them",
    value: prefixes.sourceSecretPrefix,
  });
  if (prefixes.legacySourceSecretPrefix !== undefined) {
    new CfnOutput(scope, 'LegacySourceSecretPrefix', {
      description: "The old prefix the state sync still reads sources' secrets under, with a warning, until they are moved",
      value: prefixes.legacySourceSecretPrefix,
    });
  }
}
