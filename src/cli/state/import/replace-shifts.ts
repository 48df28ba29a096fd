/**
 * `import-shifts --replace`: the schedule's hand-written shifts that overlap the file's range and
 * that it no longer lists, taken off call (./dropped-shifts.ts says which are cut and which
 * removed); synced ones listed as kept. Planned before the import writes, carried out after it,
 * each cut or removal only while the shift is as read. Nothing is replaced when the file had a
 * rejected row (it may be a shift still meant) or lists no shift (it has no range).
 */
import type { Deadline } from '../../../kernel/deadline';
import { cutShiftAsRead, deleteShiftAsRead, type ShiftAsRead, shiftsAsRead } from '../../../store/hand-written-shifts';
import type { OpenTables } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { type Printed, printed, prose } from '../../shared/terminal-text';
import { type DroppedShifts, droppedShifts, type TimeRange } from './dropped-shifts';
import type { Rejection } from './rejection';
import { stateTableError } from './state-write-error';

export interface ShownShift {
  email: string;
  starts_at: string;
  ends_at: string;
}

export interface ReplacePlan {
  range: { from: string; to: string } | null;
  /** Where a cut shift ends: the file's first start. */
  from: Date;
  /** What to cut, remove and keep; none when nothing is replaced. */
  dropped?: DroppedShifts<ShiftAsRead>;
  /** Why nothing is replaced. */
  skipped?: string;
}

export interface Replaced {
  range: { from: string; to: string } | null;
  cutTo: string;
  cut: ShownShift[];
  removed: ShownShift[];
  /** Synced shifts in the range: their sources' own. */
  kept: (ShownShift & { source: string })[];
  /** Written again since they were read: left as they were. */
  changed: ShownShift[];
  skipped?: string;
}

interface ReplaceScope {
  db: OpenTables;
  schedule: string;
  deadline: Deadline;
}

export async function planReplace(
  { db, schedule, deadline }: ReplaceScope,
  listedKeys: ReadonlySet<string>,
  range: TimeRange | null,
  rejected: readonly Rejection[],
): Promise<ReplacePlan> {
  const shown = range === null ? null : { from: range.from.toISOString(), to: range.to.toISOString() };
  const from = range?.from ?? new Date(0);
  // A rejected row may be the very shift --replace would remove: fix the file first.
  if (rejected.length > 0) return { range: shown, from, skipped: 'rows were rejected, and one of them may be a shift still meant' };
  if (range === null) return { range: shown, from, skipped: 'the file lists no shift, so it has no time range' };
  let existing: ShiftAsRead[];
  try {
    existing = await shiftsAsRead(db.documents, db.required, schedule, deadline);
  } catch (error) {
    throw stateTableError(error, 'reading', db);
  }
  return { range: shown, from, dropped: droppedShifts(existing, listedKeys, range) };
}

/** The plan carried out (in a dry run, as planned), as shown. */
export async function carryOut(plan: ReplacePlan, dryRun: boolean, where: ReplaceScope): Promise<Replaced> {
  const done = plan.dropped === undefined ? undefined : dryRun ? { ...plan.dropped, changed: [] } : await replaceDropped(where, plan.dropped, plan.from);
  return {
    range: plan.range,
    cutTo: plan.from.toISOString(),
    cut: (done?.cut ?? []).map(shown),
    removed: (done?.removed ?? []).map(shown),
    kept: (done?.kept ?? []).map((item) => ({ ...shown(item), source: item.source ?? '' })),
    changed: (done?.changed ?? []).map(shown),
    ...(plan.skipped === undefined ? {} : { skipped: plan.skipped }),
  };
}

/** Cuts and removes, each only while the shift is as read; those written again meanwhile are left and listed. */
async function replaceDropped(
  { db, deadline }: ReplaceScope,
  dropped: DroppedShifts<ShiftAsRead>,
  cutTo: Date,
): Promise<DroppedShifts<ShiftAsRead> & { changed: ShiftAsRead[] }> {
  const done: DroppedShifts<ShiftAsRead> & { changed: ShiftAsRead[] } = { cut: [], removed: [], kept: dropped.kept, changed: [] };
  try {
    for (const shift of dropped.cut) {
      if (await cutShiftAsRead(db.documents, db.required, shift, cutTo, deadline)) done.cut.push(shift);
      else done.changed.push(shift);
    }
    for (const shift of dropped.removed) {
      if (await deleteShiftAsRead(db.documents, db.required, shift, deadline)) done.removed.push(shift);
      else done.changed.push(shift);
    }
  } catch (error) {
    throw stateTableError(error, 'writing', db);
  }
  return done;
}

const shown = (item: ShiftAsRead): ShownShift => ({
  email: item.sk.slice(0, item.sk.lastIndexOf('#')),
  starts_at: item.starts_at ?? '',
  ends_at: item.ends_at ?? '',
});

/** The `--json` document's `replace`. */
export function replacedJson(replaced: Replaced): Record<string, unknown> {
  const { range, cut, removed, kept, changed, skipped, cutTo } = replaced;
  return { range, cut: cut.map((shift) => ({ ...shift, cut_to: cutTo })), removed, kept, changed, ...(skipped === undefined ? {} : { skipped }) };
}

export const shiftLine = (shift: ShownShift): Printed => printed`  ${shift.email}  ${shift.starts_at} → ${shift.ends_at}`;

export function replacedLines(replaced: Replaced, dryRun: boolean): Printed[] {
  if (replaced.skipped !== undefined) return [printed`Removed nothing: ${prose(replaced.skipped)}.`];
  const { cut, removed, kept, changed, cutTo, range } = replaced;
  return [
    ...cut.map((shift) => printed`${shiftLine(shift)}  now ends ${cutTo}`),
    printed`${dryRun ? 'Would cut' : 'Cut'} ${plural(cut.length, 'hand-written shift')} no longer listed that started before the file's range, to end at ${cutTo}.`,
    ...removed.map(shiftLine),
    printed`${dryRun ? 'Would remove' : 'Removed'} ${plural(removed.length, 'hand-written shift')} no longer listed (overlapping ${range?.from ?? ''} to ${range?.to ?? ''}).`,
    ...kept.map((shift) => printed`${shiftLine(shift)}  (source ${shift.source})`),
    printed`${dryRun ? 'Would keep' : 'Kept'} ${plural(kept.length, 'synced shift')} in the range: the sources own them.`,
    ...(changed.length === 0
      ? []
      : [
          ...changed.map(shiftLine),
          printed`Left ${plural(changed.length, 'shift')} as ${changed.length === 1 ? 'it was' : 'they were'}: written again since it was read (by a sync or another import).`,
        ]),
  ];
}
