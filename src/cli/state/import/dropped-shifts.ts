/**
 * What `import-shifts --replace` does to the schedule's shifts that the file no longer lists and
 * that overlap its time range, so whoever was dropped from the rota goes off call, even mid-shift:
 * a hand-written or imported one (no `source`) that started before the range is cut to end where
 * the range starts (it was true until then); any other is removed. Synced shifts are their
 * source's: never touched, only listed as kept.
 */
import { parseInstant } from '../../../store/iso-instant';
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

export interface DroppedShifts<T> {
  /** Hand-written, started before the range and still on at its start: to end at `range.from`. */
  cut: T[];
  /** Hand-written, starting inside the range. */
  removed: T[];
  /** Synced and overlapping the range: left to their source. */
  kept: T[];
}

export function droppedShifts<T extends ExistingItem>(existing: readonly T[], listedKeys: ReadonlySet<string>, range: TimeRange): DroppedShifts<T> {
  const dropped: DroppedShifts<T> = { cut: [], removed: [], kept: [] };
  const from = range.from.getTime();
  const to = range.to.getTime();
  for (const item of existing) {
    if (listedKeys.has(item.sk)) continue;
    const startsAt = instant(item.starts_at);
    // A shift with no readable start cannot be placed (`lumos-state check` lists it).
    if (startsAt === null || startsAt >= to) continue;
    const endsAt = instant(item.ends_at);
    const startsInside = startsAt >= from;
    // One starting before the range overlaps it only if it is known to end after the range starts.
    if (!startsInside && (endsAt === null || endsAt <= from)) continue;
    if (item.source !== undefined) dropped.kept.push(item);
    else if (startsInside) dropped.removed.push(item);
    else dropped.cut.push(item);
  }
  return dropped;
}

function instant(text: string | undefined): number | null {
  return text === undefined ? null : parseInstant(text);
}
