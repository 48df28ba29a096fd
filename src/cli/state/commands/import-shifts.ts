/**
 * `lumos-state import-shifts FILE --schedule NAME`: a rota from a CSV (`email,starts_at,ends_at`)
 * or an iCalendar file into the state table, as hand-written shifts (no `source`) recording who
 * imported them. Rejected rows are listed with their line, value and reason, and the rest is
 * still written (exit 1 when any was rejected); each is put only where no synced shift holds its
 * key, and one a sync wrote meanwhile is kept and listed. `--dry-run` writes nothing; `--replace`
 * also takes the schedule's hand-written shifts that overlap the file's range and that it no
 * longer lists off call: one already under way is cut to end where the range starts, the others
 * removed, synced ones listed as kept (src/cli/state/import/dropped-shifts.ts).
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { cutShiftAsRead, deleteShiftAsRead, type ShiftAsRead, shiftsAsRead } from '../../../store/hand-written-shifts';
import { type ShiftItem, shiftItem } from '../../../store/shift-item';
import { DynamoSyncedStateStore } from '../../../store/synced-state-store';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import type { TablesTarget } from '../../shared/table-target';
import { printed, prose } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { type DroppedShifts, droppedShifts, rangeOf, type TimeRange } from '../import/dropped-shifts';
import { importer } from '../import/importer';
import { nameArgument } from '../import/name-argument';
import { notSynced } from '../import/not-synced';
import { onePerKey } from '../import/one-per-key';
import { readImportFile } from '../import/read-file';
import { type Rejection, rejectionLine } from '../import/rejection';
import { CALENDAR_TIMEOUT_SECONDS, readShiftFile } from '../import/shift-file';
import { stateTableError } from '../import/state-write-error';
import { type HandWrittenWrites, writeHandWritten } from '../import/write-hand-written';
import { resolveStateTarget, type StateTargetOptions, withStateTargetOptions } from '../state-target';

interface ImportShiftsOptions extends StateTargetOptions {
  schedule?: string;
  dryRun?: boolean;
  replace?: boolean;
  by?: string;
  json?: boolean;
  calendarTimeout?: string;
}

const BUDGET_MS = 60_000;

export function defineImportShifts(program: Command, { io, finish }: CommandContext): void {
  withStateTargetOptions(
    program
      .command('import-shifts')
      .description('import on-call shifts from a CSV (email,starts_at,ends_at) or an .ics file, as hand-written shifts of one schedule')
      .argument('<file>', 'a .csv with the header email,starts_at,ends_at, or an .ics calendar (its events from 24 hours ago to a year ahead)')
      .option('--schedule <name>', 'the schedule the shifts are for, as rules name it in on_call')
      .option('--dry-run', 'print what would be written and removed; write nothing')
      .option(
        '--replace',
        "also take the schedule's hand-written or imported shifts overlapping the file's time range that it no longer lists off call (cut or removed)",
      )
      .option('--by <who>', "who imports (recorded on each shift; default: git's user.email)")
      .option('--json', 'print one JSON document on stdout instead of the summary')
      .option('--calendar-timeout <seconds>', `most seconds spent reading an .ics file before giving up (default ${CALENDAR_TIMEOUT_SECONDS})`),
  ).action(async (file: string, options: ImportShiftsOptions) => {
    const schedule = nameArgument(options.schedule, '--schedule');
    const now = new Date();
    const read = await readShiftFile(file, readImportFile(file, io.cwd), schedule, now, calendarTimeout(options.calendarTimeout));
    const by = importer(options.by, io.cwd);
    const dryRun = options.dryRun === true;
    const target = await resolveStateTarget(options);
    try {
      const store = new DynamoSyncedStateStore(target.documents, target.required);
      const deadline = new Deadline(BUDGET_MS);
      const rejected = [...read.rejected];
      const candidates = onePerKey(
        read.shifts.map((shift) => ({
          shift,
          item: shiftItem(schedule, shift.email, shift.startsAt, shift.endsAt, { imported: { by, at: now } }),
        })),
        ({ shift }) => shift.line,
        ({ shift }) => shift.email,
        'person and starts_at',
        rejected,
      );
      // Rows the file itself gets wrong stop a replace; a row whose key a source syncs does not (that shift stays the source's).
      const fileRejected = [...rejected];
      const accepted = await notSynced(
        candidates,
        store,
        target,
        deadline,
        (candidate, source) => ({
          line: candidate.shift.line,
          value: candidate.shift.email,
          reason: `source ${source} synced this shift; the sync keeps it current`,
        }),
        rejected,
      );
      const range = rangeOf(read.shifts);
      const plan = options.replace === true ? await planReplace(target, schedule, accepted, range, fileRejected, deadline) : null;
      // A dry run reports the plan; a run reports what landed.
      const writes: HandWrittenWrites<(typeof accepted)[number]> = dryRun
        ? { written: accepted, kept: [] }
        : await writeHandWritten(accepted, target, deadline);
      const replaced =
        plan?.dropped === undefined ? undefined : dryRun ? { ...plan.dropped, changed: [] } : await replaceDropped(target, plan.dropped, plan.from, deadline);
      const written = writes.written.map(({ shift, item }) => ({ line: shift.line, email: item.email, starts_at: item.starts_at, ends_at: item.ends_at }));
      const kept = writes.kept.map(({ candidate: { shift, item }, source }) => ({
        line: shift.line,
        email: item.email,
        starts_at: item.starts_at,
        ends_at: item.ends_at,
        source,
      }));
      const shown = (item: ShiftAsRead) => ({
        email: item.sk.slice(0, item.sk.lastIndexOf('#')),
        starts_at: item.starts_at ?? '',
        ends_at: item.ends_at ?? '',
      });
      const cutTo = plan?.from.toISOString() ?? '';
      const cut = (replaced?.cut ?? []).map((item) => ({ ...shown(item), cut_to: cutTo }));
      const removed = (replaced?.removed ?? []).map(shown);
      const syncedKept = (replaced?.kept ?? []).map((item) => ({ ...shown(item), source: item.source ?? '' }));
      const changed = (replaced?.changed ?? []).map(shown);
      const line = (shift: { email: string; starts_at: string; ends_at: string }) => printed`  ${shift.email}  ${shift.starts_at} → ${shift.ends_at}`;
      finish(
        writeReport(
          io,
          {
            exitCode: rejected.length > 0 ? EXIT.negative : EXIT.ok,
            json: {
              table: target.required,
              schedule,
              file,
              dry_run: dryRun,
              imported_by: by,
              ...(read.window === undefined ? {} : { calendar_window: { from: read.window.from.toISOString(), to: read.window.to.toISOString() } }),
              written,
              kept,
              rejected: rejected.sort(byLine),
              ...(plan === null
                ? {}
                : {
                    replace: {
                      range: plan.range,
                      cut,
                      removed,
                      kept: syncedKept,
                      changed,
                      ...(plan.skipped === undefined ? {} : { skipped: plan.skipped }),
                    },
                  }),
            },
            human: (c) => [
              ...(read.window === undefined
                ? []
                : [printed`Read the calendar's events from ${read.window.from.toISOString()} to ${read.window.to.toISOString()}.`]),
              ...written.map(line),
              printed`${dryRun ? 'Would write' : 'Wrote'} ${plural(written.length, 'shift')} of ${schedule} to ${target.required}, imported by ${by}${dryRun ? ' (dry run: nothing written)' : ''}.`,
              ...(kept.length === 0
                ? []
                : [
                    ...kept.map((shift) => printed`${line(shift)}  (source ${shift.source ?? '?'})`),
                    printed`Kept ${plural(kept.length, 'synced shift')} a source wrote under the same key meanwhile (not written: the sync keeps it current).`,
                  ]),
              ...(plan === null
                ? []
                : plan.skipped !== undefined
                  ? [printed`Removed nothing: ${prose(plan.skipped)}.`]
                  : [
                      ...cut.map((shift) => printed`${line(shift)}  now ends ${shift.cut_to}`),
                      printed`${dryRun ? 'Would cut' : 'Cut'} ${plural(cut.length, 'hand-written shift')} no longer listed that started before the file's range, to end at ${cutTo}.`,
                      ...removed.map(line),
                      printed`${dryRun ? 'Would remove' : 'Removed'} ${plural(removed.length, 'hand-written shift')} no longer listed (overlapping ${plan.range?.from ?? ''} to ${plan.range?.to ?? ''}).`,
                      ...syncedKept.map((shift) => printed`${line(shift)}  (source ${shift.source})`),
                      printed`${dryRun ? 'Would keep' : 'Kept'} ${plural(syncedKept.length, 'synced shift')} in the range: the sources own them.`,
                      ...(changed.length === 0
                        ? []
                        : [
                            ...changed.map(line),
                            printed`Left ${plural(changed.length, 'shift')} as ${changed.length === 1 ? 'it was' : 'they were'}: written again since it was read (by a sync or another import).`,
                          ]),
                    ]),
              ...(rejected.length === 0
                ? []
                : [
                    c.red(printed`Rejected ${plural(rejected.length, 'row')} (not written):`),
                    ...rejected.map((rejection) => printed`  ${rejectionLine(rejection)}`),
                  ]),
            ],
          },
          options,
        ),
      );
    } finally {
      target.close();
    }
  });
}

interface ReplacePlan {
  range: { from: string; to: string } | null;
  /** Where a cut shift ends: the file's first start. */
  from: Date;
  /** What to cut, remove and keep; none when nothing is replaced. */
  dropped?: DroppedShifts<ShiftAsRead>;
  /** Why nothing is replaced. */
  skipped?: string;
}

async function planReplace(
  target: TablesTarget,
  schedule: string,
  accepted: readonly { item: ShiftItem }[],
  range: TimeRange | null,
  rejected: readonly Rejection[],
  deadline: Deadline,
): Promise<ReplacePlan> {
  const shown = range === null ? null : { from: range.from.toISOString(), to: range.to.toISOString() };
  const from = range?.from ?? new Date(0);
  // A rejected row may be the very shift --replace would remove: fix the file first.
  if (rejected.length > 0) return { range: shown, from, skipped: 'rows were rejected, and one of them may be a shift still meant' };
  if (range === null) return { range: shown, from, skipped: 'the file lists no shift, so it has no time range' };
  let existing: ShiftAsRead[];
  try {
    existing = await shiftsAsRead(target.documents, target.required, schedule, deadline);
  } catch (error) {
    throw stateTableError(error, 'reading', target);
  }
  return { range: shown, from, dropped: droppedShifts(existing, new Set(accepted.map(({ item }) => item.sk)), range) };
}

/** Cuts and removes, each only while the shift is as read; those written again meanwhile are left and listed. */
async function replaceDropped(
  target: TablesTarget,
  dropped: DroppedShifts<ShiftAsRead>,
  cutTo: Date,
  deadline: Deadline,
): Promise<DroppedShifts<ShiftAsRead> & { changed: ShiftAsRead[] }> {
  const done: DroppedShifts<ShiftAsRead> & { changed: ShiftAsRead[] } = { cut: [], removed: [], kept: dropped.kept, changed: [] };
  try {
    for (const shift of dropped.cut) {
      if (await cutShiftAsRead(target.documents, target.required, shift, cutTo, deadline)) done.cut.push(shift);
      else done.changed.push(shift);
    }
    for (const shift of dropped.removed) {
      if (await deleteShiftAsRead(target.documents, target.required, shift, deadline)) done.removed.push(shift);
      else done.changed.push(shift);
    }
  } catch (error) {
    throw stateTableError(error, 'writing', target);
  }
  return done;
}

function calendarTimeout(value: string | undefined): number {
  if (value === undefined) return CALENDAR_TIMEOUT_SECONDS;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > 3600)
    throw new UsageError(`--calendar-timeout ${JSON.stringify(value.slice(0, 20))}: a whole number of seconds from 1 to 3600`);
  return seconds;
}

function byLine(a: Rejection, b: Rejection): number {
  return (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER);
}
