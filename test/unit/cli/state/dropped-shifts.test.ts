/** What `import-shifts --replace` cuts, removes and keeps, at the edges of the file's range. */
import { describe, expect, it } from 'vitest';
import { droppedShifts } from '../../../../src/cli/state/import/dropped-shifts';
import type { ExistingItem } from '../../../../src/store/synced-state-store';

const range = { from: new Date('2026-12-01T09:00:00Z'), to: new Date('2026-12-08T09:00:00Z') };
const shift = (email: string, starts_at: string | undefined, ends_at: string | undefined, source?: string): ExistingItem => ({
  pk: 'oncall#rota',
  sk: `${email}#${starts_at ?? ''}`,
  ...(starts_at === undefined ? {} : { starts_at }),
  ...(ends_at === undefined ? {} : { ends_at }),
  ...(source === undefined ? {} : { source }),
});
const emails = (items: ExistingItem[]) => items.map((item) => item.sk.slice(0, item.sk.indexOf('#')));

describe('droppedShifts', () => {
  it('16.3 cuts a hand-written shift under way at the range start, removes those starting inside, keeps synced ones, and leaves the rest', () => {
    // Prepare
    const existing = [
      shift('ongoing', '2026-11-30T09:00:00Z', '2026-12-02T09:00:00Z'),
      shift('whole', '2026-11-30T09:00:00Z', '2026-12-20T09:00:00Z'),
      shift('offset', '2026-12-01T09:30:00+01:00', '2026-12-01T12:00:00+01:00'),
      shift('ended-at-start', '2026-11-30T09:00:00Z', '2026-12-01T09:00:00Z'),
      shift('at-start', '2026-12-01T09:00:00Z', '2026-12-01T17:00:00Z'),
      shift('no-end-inside', '2026-12-03T09:00:00Z', undefined),
      shift('no-end-before', '2026-11-30T09:00:00Z', undefined),
      shift('unreadable-end-before', '2026-11-30T09:00:00Z', 'soon'),
      shift('no-start', undefined, '2026-12-02T09:00:00Z'),
      shift('at-end', '2026-12-08T09:00:00Z', '2026-12-08T17:00:00Z'),
      shift('synced-ongoing', '2026-11-30T09:00:00Z', '2026-12-02T09:00:00Z', 'pd'),
      shift('synced-inside', '2026-12-02T09:00:00Z', '2026-12-03T09:00:00Z', 'pd'),
      shift('synced-before', '2026-11-29T09:00:00Z', '2026-11-30T09:00:00Z', 'pd'),
      shift('listed', '2026-11-30T09:00:00Z', '2026-12-02T09:00:00Z'),
    ];
    // Act
    const dropped = droppedShifts(existing, new Set(['listed#2026-11-30T09:00:00Z']), range);
    // Assess
    expect(emails(dropped.cut)).toEqual(['ongoing', 'whole', 'offset']);
    expect(emails(dropped.removed)).toEqual(['at-start', 'no-end-inside']);
    expect(emails(dropped.kept)).toEqual(['synced-ongoing', 'synced-inside']);
  });
});
