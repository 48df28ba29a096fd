/**
 * The sparse index of grants the expiry sweeper must look at (`due` on the grants table): an
 * item is in it while something about its access is still owed, keyed by a bucket and the
 * ISO time it falls due. A held grant is due at its expiry (none while a hold is unlimited); a
 * removal under way or pending is due since its access should have gone, so it stays in the
 * index, overdue, until the target confirms it; a removed item leaves the index. The sweeper
 * reads only `due_at <= now`, never the whole table. The attributes are derived from the item
 * on every ledger write (src/grants/grant-ledger.ts), so no path can forget them.
 */
import { createHash } from 'node:crypto';
import type { GrantItem, GrantKey } from './grant-item';

export const DUE_INDEX = 'due';
export const DUE_BUCKET_ATTRIBUTE = 'due_bucket';
export const DUE_AT_ATTRIBUTE = 'due_at';
/** Items spread over this many index partitions, so no single one takes every write of a busy ledger. */
export const DUE_BUCKETS = 8;

export const dueBuckets = (): string[] => Array.from({ length: DUE_BUCKETS }, (_, index) => `due#${index}`);

const digestOf = (key: GrantKey) => createHash('sha256').update(`${key.app_instance}\u0000${key.subject_permission}`).digest();

/** A grant's bucket: a hash of its key, so it never moves while the grant lives. */
export function dueBucketOf(key: GrantKey): string {
  return `due#${(digestOf(key)[0] ?? 0) % DUE_BUCKETS}`;
}

/**
 * A short, fixed-length name of a grant (16 hex digits of its key's hash), for ids that must
 * stay small whatever the key holds: an audit item's sort key is at most 1,024 bytes, and a
 * grant's key alone may take two of those.
 */
export function grantDigest(key: GrantKey): string {
  return digestOf(key).toString('hex').slice(0, 16);
}

/** When the sweeper must look at the grant, or null when nothing is owed (removed, or held without end). */
export function dueAtOf(item: GrantItem): string | null {
  switch (item.state ?? 'held') {
    case 'removed':
      return null;
    case 'held':
      return item.expires_at;
    case 'granting':
      // Once its mark expires it reads as a pending removal: the access may exist and nobody records why.
      return item.granting_until ?? item.updated_at;
    default:
      return item.removal_due_at ?? item.updated_at;
  }
}

/** The item's attributes as written: with its index attributes when due, without them (out of the index) when not. */
export function withDueAttributes(item: GrantItem): Record<string, unknown> {
  // A grant read back carries the index attributes it was written with: they follow from the item as it is now.
  const { [DUE_BUCKET_ATTRIBUTE]: _bucket, [DUE_AT_ATTRIBUTE]: _at, ...rest }: Record<string, unknown> = item;
  const dueAt = dueAtOf(item);
  return dueAt === null ? rest : { ...rest, [DUE_BUCKET_ATTRIBUTE]: dueBucketOf(item), [DUE_AT_ATTRIBUTE]: dueAt };
}
