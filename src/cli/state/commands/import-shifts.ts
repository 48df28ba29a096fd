/**
 * `lumos-state import-shifts FILE --schedule NAME`: a rota from a CSV (`email,starts_at,ends_at`)
 * or an iCalendar file into the state table, as hand-written shifts (no `source`) recording who
 * imported them. Rejected rows are listed with their line, value and reason, and the rest is
 * still written (exit 1 when any was rejected). `--dry-run` writes nothing; `--replace` also
 * removes the schedule's hand-written shifts in the file's range that it no longer lists.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { deleteHandWrittenShift } from '../../../store/hand-written-shifts';
import { type ShiftItem, shiftItem } from '../../../store/shift-item';
import { DynamoSyncedStateStore, type ExistingItem } from '../../../store/synced-state-store';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { printed, prose } from '../../shared/terminal-text';
import { droppedShifts, rangeOf, type TimeRange } from '../import/dropped-shifts';
import { importer } from '../import/importer';
import { nameArgument } from '../import/name-argument';
import { notSynced } from '../import/not-synced';
import { onePerKey } from '../import/one-per-key';
import { readImportFile } from '../import/read-file';
import { type Rejection, rejectionLine } from '../import/rejection';
import { readShiftFile } from '../import/shift-file';
import { stateTableError } from '../import/state-write-error';
import { resolveStateTarget, type StateTargetOptions, withStateTargetOptions } from '../state-target';

interface ImportShiftsOptions extends StateTargetOptions {
  schedule?: string;
  dryRun?: boolean;
  replace?: boolean;
  by?: string;
  json?: boolean;
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
      .option('--replace', "also remove the schedule's hand-written or imported shifts in the file's time range that it no longer lists")
      .option('--by <who>', "who imports (recorded on each shift; default: git's user.email)")
      .option('--json', 'print one JSON document on stdout instead of the summary'),
  ).action(async (file: string, options: ImportShiftsOptions) => {
    const schedule = nameArgument(options.schedule, '--schedule');
    const now = new Date();
    const read = readShiftFile(file, readImportFile(file, io.cwd), schedule, now);
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
      const replace = options.replace === true ? await planReplace(store, schedule, accepted, range, rejected, deadline, target) : null;
      let removedItems = replace?.removed ?? [];
      if (!dryRun) {
        try {
          await store.write(
            accepted.map(({ item }) => item),
            deadline,
          );
          const deleted: ExistingItem[] = [];
          // One a sync took over meanwhile stays, and is not counted.
          for (const item of removedItems) if (await deleteHandWrittenShift(target.documents, target.required, item, deadline)) deleted.push(item);
          removedItems = deleted;
        } catch (error) {
          throw stateTableError(error, 'writing', target);
        }
      }
      const written = accepted.map(({ shift, item }) => ({ line: shift.line, email: item.email, starts_at: item.starts_at, ends_at: item.ends_at }));
      const removed = removedItems.map((item) => ({
        email: item.sk.slice(0, item.sk.lastIndexOf('#')),
        starts_at: item.starts_at ?? '',
        ends_at: item.ends_at ?? '',
      }));
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
              rejected: rejected.sort(byLine),
              ...(replace === null
                ? {}
                : { replace: { range: replace.range, removed, ...(replace.skipped === undefined ? {} : { skipped: replace.skipped }) } }),
            },
            human: (c) => [
              ...(read.window === undefined
                ? []
                : [printed`Read the calendar's events from ${read.window.from.toISOString()} to ${read.window.to.toISOString()}.`]),
              ...written.map((shift) => printed`  ${shift.email}  ${shift.starts_at} → ${shift.ends_at}`),
              printed`${dryRun ? 'Would write' : 'Wrote'} ${plural(written.length, 'shift')} of ${schedule} to ${target.required}, imported by ${by}${dryRun ? ' (dry run: nothing written)' : ''}.`,
              ...(replace === null
                ? []
                : replace.skipped !== undefined
                  ? [printed`Removed nothing: ${prose(replace.skipped)}.`]
                  : [
                      ...removed.map((shift) => printed`  ${shift.email}  ${shift.starts_at} → ${shift.ends_at}`),
                      printed`${dryRun ? 'Would remove' : 'Removed'} ${plural(removed.length, 'hand-written shift')} no longer listed (starting ${replace.range?.from ?? ''} to ${replace.range?.to ?? ''}).`,
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
  removed: ExistingItem[];
  /** Why nothing is removed. */
  skipped?: string;
}

async function planReplace(
  store: DynamoSyncedStateStore,
  schedule: string,
  accepted: readonly { item: ShiftItem }[],
  range: TimeRange | null,
  rejected: readonly Rejection[],
  deadline: Deadline,
  target: Parameters<typeof stateTableError>[2],
): Promise<ReplacePlan> {
  const shown = range === null ? null : { from: range.from.toISOString(), to: range.to.toISOString() };
  // A rejected row may be the very shift --replace would remove: fix the file first.
  if (rejected.length > 0) return { range: shown, removed: [], skipped: 'rows were rejected, and one of them may be a shift still meant' };
  if (range === null) return { range: shown, removed: [], skipped: 'the file lists no shift, so it has no time range' };
  let existing: ExistingItem[];
  try {
    existing = await store.shiftsOf(schedule, deadline);
  } catch (error) {
    throw stateTableError(error, 'reading', target);
  }
  return { range: shown, removed: droppedShifts(existing, new Set(accepted.map(({ item }) => item.sk)), range) };
}

function byLine(a: Rejection, b: Rejection): number {
  return (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER);
}
