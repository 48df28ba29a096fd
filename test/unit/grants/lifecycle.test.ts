/**
 * The lifecycle's table is what the writes do: every move it allows is one some write makes, and
 * every write from every state either makes a move the table allows or is refused.
 */
import { describe, expect, it } from 'vitest';
import type { GrantItem } from '../../../src/grants/grant-item';
import { canMove, GRANT_STATES, GRANT_TRANSITIONS, type GrantOrigin, GrantTransitionError, grantStateAt } from '../../../src/grants/lifecycle';
import {
  asGranting,
  asGrantRefused,
  asHeld,
  asPendingRemoval,
  asRemoved,
  asResolvedByHand,
  asRevoking,
  withHold,
  withoutHold,
} from '../../../src/grants/transitions';
import { sampleEntitlement } from '../../support/entitlement';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const ledger = { type: 'ledger' } as const;
const request = (url: string) => sampleEntitlement({ request_task_url: url, access_length: 3_600 });

/** One item in each state at NOW (marks live until a minute on), and none at all. */
function itemsByOrigin(): Record<GrantOrigin, GrantItem | null> {
  const held = withHold(null, request('task-a'), 'rule-1', ledger, at(-1_000));
  const revoking = asRevoking(held, at(60_000), at(-1_000));
  return {
    absent: null,
    held,
    granting: asGranting(withHold(null, request('task-a'), 'rule-1', ledger, at(-1_000)), null, at(60_000), at(-1_000)),
    revoking,
    pending_removal: asPendingRemoval(revoking, 'API: answered HTTP 503', at(-1_000)),
    removed: asRemoved(revoking, at(-1_000)),
  };
}

/** Every write of the lifecycle, over an item read in some state (null: none). */
const writes: Record<string, (over: GrantItem | null) => GrantItem | null> = {
  withHold: (over) => withHold(over, request('task-b'), 'rule-2', ledger, NOW),
  withoutHold: (over) => {
    if (over === null) return null;
    const released = withoutHold(withHold(over, request('task-b'), 'rule-2', ledger, NOW), 'task-a', NOW);
    return released.remove ? null : released.item;
  },
  asRevoking: (over) => (over === null ? null : asRevoking(over, at(60_000), NOW)),
  asRemoved: (over) => (over === null ? null : asRemoved(over, NOW)),
  asResolvedByHand: (over) => (over === null ? null : asResolvedByHand(over, 'admin@lumos.com', 'removed in the console', NOW)),
  asPendingRemoval: (over) => (over === null ? null : asPendingRemoval(over, 'API: answered HTTP 503', NOW)),
  asGranting: (over) => asGranting(withHold(null, request('task-b'), 'rule-2', ledger, NOW), over, at(60_000), NOW),
  asHeld: (over) => (over === null ? null : asHeld(over, NOW)),
  asGrantRefused: (over) => (over === null ? null : asGrantRefused(over, null, NOW)),
  asGrantRefusedOverRemoved: (over) => (over === null ? null : asGrantRefused(over, itemsByOrigin().removed, NOW)),
  asGrantRefusedOverPending: (over) => (over === null ? null : asGrantRefused(over, itemsByOrigin().pending_removal, NOW)),
};

describe('the grant lifecycle', () => {
  it('allows exactly the moves some write makes, and every write refuses the others', () => {
    // Act: every write over an item in every state
    const made = new Set<string>();
    for (const [origin, over] of Object.entries(itemsByOrigin()) as [GrantOrigin, GrantItem | null][]) {
      for (const write of Object.values(writes)) {
        let written: GrantItem | null;
        try {
          written = write(over);
        } catch (error) {
          expect(error).toBeInstanceOf(GrantTransitionError);
          continue;
        }
        if (written === null) continue;
        const to = written.state ?? 'held';
        // Assess: an allowed move
        expect(canMove(origin, to), `${origin} → ${to}`).toBe(true);
        made.add(`${origin} → ${to}`);
      }
    }
    // Assess: no move in the table that nothing makes
    const allowed = Object.entries(GRANT_TRANSITIONS).flatMap(([origin, targets]) => targets.map((to) => `${origin} → ${to}`));
    expect([...made].sort()).toEqual(allowed.sort());
  });

  it('reads no recorded state as held, and a mark past its time as a pending removal', () => {
    expect(grantStateAt({}, NOW)).toBe('held');
    expect(grantStateAt({ state: 'granting', granting_until: at(1).toISOString() }, NOW)).toBe('granting');
    expect(grantStateAt({ state: 'granting', granting_until: NOW.toISOString() }, NOW)).toBe('pending_removal');
    expect(grantStateAt({ state: 'revoking' }, NOW)).toBe('pending_removal');
    expect(grantStateAt({ state: 'revoking', revoking_until: 'not a time' }, NOW)).toBe('pending_removal');
    for (const state of ['held', 'pending_removal', 'removed'] as const) expect(grantStateAt({ state }, NOW)).toBe(state);
  });

  it('lets nothing leave a state it does not know', () => {
    expect(Object.keys(GRANT_TRANSITIONS).sort()).toEqual([...GRANT_STATES, 'absent'].sort());
  });
});
