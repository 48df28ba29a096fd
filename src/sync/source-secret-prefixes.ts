/**
 * Where state sources' secrets may live: under the source secret prefix (context
 * `sourceSecretPrefix`, `SOURCE_SECRET_PREFIX`), never under the provisioners' connector prefix,
 * so the sync reads no provisioner credential and the provisioners read no source's key. While a
 * deployment moves its sources' secrets from the old shared prefix, `legacy` names that prefix
 * too (context `legacySourceSecretPrefix`); a secret read there is counted as a warning.
 */
import { secretPrefixProblem } from '../store/secret-prefix';

export interface SourceSecretPrefixes {
  /** The prefix every source's secret is named under. */
  current: string;
  /** During an upgrade only: the old prefix, still accepted (docs/deploy.md, "Moving source secrets"). */
  legacy?: string;
}

/** Why the prefixes cannot scope source secrets (empty, or an IAM wildcard that would have granted every secret), or null. */
export function sourcePrefixesProblem({ current, legacy }: SourceSecretPrefixes): string | null {
  const currentProblem = secretPrefixProblem(current);
  if (currentProblem !== null) return `the source secret prefix is misconfigured: it ${currentProblem}`;
  const legacyProblem = legacy === undefined ? null : secretPrefixProblem(legacy);
  if (legacyProblem !== null) return `the legacy source secret prefix is misconfigured: it ${legacyProblem}`;
  return null;
}

/**
 * Which prefix a source's secret is under: `current`, `legacy`, or a problem (the words after
 * `secret: `) when it is under neither, or when the prefixes themselves are misconfigured.
 */
export function secretPrefixOf(secret: string, prefixes: SourceSecretPrefixes): { under: 'current' | 'legacy' } | { problem: string } {
  const misconfigured = sourcePrefixesProblem(prefixes);
  if (misconfigured !== null) return { problem: misconfigured };
  const { current, legacy } = prefixes;
  if (secret.startsWith(current)) return { under: 'current' };
  if (legacy !== undefined && secret.startsWith(legacy)) return { under: 'legacy' };
  return {
    problem: `must start with the source secret prefix ${current}${legacy === undefined ? '' : ` (or, until it is moved, the legacy prefix ${legacy})`}`,
  };
}
