/** The sweeper's index attributes and the backoff of a pending removal: what is due, since when, and when it is tried again. */
import { describe, expect, it } from 'vitest';
import { DUE_BUCKETS, dueBucketOf, withDueAttributes } from '../../../src/grants/due-index';
import type { GrantItem } from '../../../src/grants/grant-item';
import { asPendingRemoval, asRemoved, asRevoking, withHold } from '../../../src/grants/transitions';
import { sampleEntitlement } from '../../support/entitlement';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const MINUTE = 60_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const held = (accessLength: number | null = 3_600): GrantItem =>
  withHold(null, sampleEntitlement({ access_length: accessLength }), 'rule-1', { type: 'ledger' }, NOW);

describe('the index of grants due', () => {
  it('puts a held grant in it at its expiry, and one held without end not at all', () => {
    // Act
    const timed = withDueAttributes(held());
    const unlimited = withDueAttributes(held(null));
    // Assess
    expect(timed).toMatchObject({ due_at: at(60 * MINUTE).toISOString(), due_bucket: dueBucketOf(held()) });
    expect(unlimited).not.toHaveProperty('due_at');
    expect(unlimited).not.toHaveProperty('due_bucket');
  });

  it('keeps a pending removal in it since its access should have gone, and takes a removed grant out', () => {
    // Prepare: the sweeper's removal of an expired grant failed
    const expired = held(60);
    const pending = asPendingRemoval(asRevoking(expired, at(10 * MINUTE), at(5 * MINUTE)), 'API: answered HTTP 503', at(5 * MINUTE));
    // Act
    const indexed = withDueAttributes(pending);
    const removed = withDueAttributes(asRemoved(pending, at(6 * MINUTE)));
    // Assess
    expect(indexed.due_at).toBe(expired.expires_at);
    expect(removed).not.toHaveProperty('due_at');
  });

  it('spreads grants over its buckets and keeps each grant in one', () => {
    // Prepare
    const keys = Array.from({ length: 200 }, (_, index) => ({ app_instance: 'app', subject_permission: `person-${index}@lumos.com#admin` }));
    // Act
    const buckets = new Set(keys.map(dueBucketOf));
    // Assess
    expect(buckets.size).toBe(DUE_BUCKETS);
    expect(dueBucketOf(keys[0] as (typeof keys)[0])).toBe(dueBucketOf({ ...(keys[0] as (typeof keys)[0]) }));
  });
});

describe('a pending removal', () => {
  it('counts its attempts and backs off from 1 minute, doubling, to at most an hour', () => {
    // Prepare
    let item = held(60);
    const waits: number[] = [];
    // Act: eight failed removals in a row
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const now = at(attempt * 120 * MINUTE);
      item = asPendingRemoval(asRevoking(item, at(attempt * 120 * MINUTE + 5_000), now), 'API: answered HTTP 503', now);
      waits.push((Date.parse(item.next_attempt_at ?? '') - now.getTime()) / MINUTE);
    }
    // Assess
    expect(item.removal_attempts).toBe(8);
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
    expect(item).not.toHaveProperty('ttl');
  });
});
