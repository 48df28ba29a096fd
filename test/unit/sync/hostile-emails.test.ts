/**
 * Every way an email enters the state refuses one with invisible characters: the sync's reader of
 * source values and the imports' cell check share the payload's rule (src/lumos/email.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkEmail } from '../../../src/cli/state/import/cell-checks';
import { readEmail } from '../../../src/sync/hostile-values';

const LOOK_ALIKES = ['a\u200Bdmin@lumos.com', 'admin\u2060@lumos.com', '\u202Eadmin@lumos.com', 'ad\u00ADmin@lumos.com'];

describe('16.7 emails with invisible characters never reach the state', () => {
  it.each(LOOK_ALIKES)('16.7 the sync skips %j as unknown_email', (email) => {
    expect(readEmail(email)).toBeNull();
  });

  it.each(LOOK_ALIKES)('16.7 an import rejects %j with the reason', (email) => {
    expect(checkEmail(email)).toEqual({ ok: false, reason: expect.stringContaining('invisible or format character') });
  });

  it('still takes a plain address, and a non-ASCII one that prints as itself', () => {
    expect(readEmail('Admin@Lumos.com')).toBe('admin@lumos.com');
    expect(checkEmail('o\u2019brien@example.ie')).toEqual({ ok: true, value: 'o\u2019brien@example.ie' });
  });
});
