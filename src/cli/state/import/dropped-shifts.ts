/**
 * What `import-shifts --replace` removes: the schedule's shifts written by hand or imported
 * (no `source`) that start within the file's time range and that the file no longer lists, so
 * whoever was dropped from the rota goes off call. Synced shifts are their source's, never these.
 */
import { normaliseInstant } from '../../../store/iso-instant';
import type { ExistingItem } from '../../../store/synced-state-store';

export interface TimeRange {
  from: Date;
  to: Date;
}

/** From the first listed start to the last listed end; none when the file lists no shift. */
export function rangeOf(shifts: readonly { startsAt: Date; endsAt: Date }[]): TimeRange | null {
  if (shifts.length === 0) return null;
  // A fold, not Math.min(...): a file of a few hundred thousand rows would overflow the call's arguments.
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const shift of shifts) {
    from = Math.min(from, shift.startsAt.getTime());
    to = Math.max(to, shift.endsAt.getTime());
  }
  return { from: new Date(from), to: new Date(to) };
}

export function droppedShifts(existing: readonly ExistingItem[], listedKeys: ReadonlySet<string>, range: TimeRange): ExistingItem[] {
  return existing.filter((item) => {
    if (item.source !== undefined || listedKeys.has(item.sk)) return false;
    const startsAt = item.starts_at === undefined ? null : normaliseInstant(item.starts_at);
    if (startsAt === null) return false;
    const at = Date.parse(startsAt);
    return at >= range.from.getTime() && at < range.to.getTime();
  });
}
