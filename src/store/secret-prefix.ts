/**
 * The name prefixes that decide which Secrets Manager secrets a function may read: provisioner
 * connector secrets under one, state sources' secrets under another (docs/deploy.md, "Secrets").
 * The stack grants `GetSecretValue` on `<prefix>*`, and the readers refuse any name outside the
 * prefix, so one check of the prefix itself, shared by the stack, the functions' configuration
 * and the CLIs, keeps a prefix from ever granting more than the secrets named under it.
 */

/** Where http provisioner (connector) secrets live unless the deployment says otherwise. */
export const DEFAULT_CONNECTOR_SECRET_PREFIX = 'lumos-connectors/';
/** Where state sources' secrets live locally (`npm start`, the CLIs with `--endpoint`). */
export const LOCAL_SOURCE_SECRET_PREFIX = 'lumos-sources/';

/** Where a deployed stack's state sources' secrets live unless `sourceSecretPrefix` says otherwise: one folder per stack. */
export function stackSourceSecretPrefix(stackName: string): string {
  return `${LOCAL_SOURCE_SECRET_PREFIX}${stackName}/`;
}

/** Secrets Manager allows these in a name (and nothing else, so no IAM wildcard either). */
const SECRET_NAME_CHARACTERS = /^[A-Za-z0-9/_+=.@-]+$/;
/** A secret name is at most 512 characters; a prefix leaves room for the name under it. */
const MAX_PREFIX_LENGTH = 256;

/**
 * Why `prefix` cannot scope secrets, or null when it can: an empty prefix or one holding an IAM
 * wildcard (`*`, `?`) would let the role read every secret in the account and region, and a
 * character no secret name may hold would match none.
 */
export function secretPrefixProblem(prefix: string): string | null {
  if (prefix.length === 0) return 'must not be empty: it would grant every secret in the account and region';
  if (/[*?]/.test(prefix)) {
    const reach = prefix.startsWith('*') ? 'every secret in the account and region' : 'secrets outside the prefix';
    return `must not hold "*" or "?": IAM reads them as wildcards, so it would grant ${reach}`;
  }
  if (!SECRET_NAME_CHARACTERS.test(prefix)) return 'may hold only letters, digits and / _ + = . @ - (the characters of a secret name)';
  if (prefix.length > MAX_PREFIX_LENGTH) return `must be at most ${MAX_PREFIX_LENGTH} characters`;
  return null;
}

/** True when a secret name could fall under both prefixes: one starts with the other. */
export function prefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}
