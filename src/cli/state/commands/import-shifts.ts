/**
 * `lumos-state import-shifts FILE --schedule NAME`: a rota from a CSV (`email,starts_at,ends_at`)
 * or an iCalendar file into the state table, as hand-written shifts (no `source`) recording who
 * imported them, through the import flow import-training shares
 * (src/cli/state/import/hand-written-import.ts). `--dry-run` writes nothing; `--replace` also
 * takes the schedule's hand-written shifts that overlap the file's range and that it no longer
 * lists off call: one already under way is cut to end where the range starts, the others
 * removed, synced ones listed as kept (src/cli/state/import/replace-shifts.ts).
 */
import type { Command } from 'commander';
import { type ShiftItem, shiftItem } from '../../../store/shift-item';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { STATE_TABLES, withTableOptions } from '../../shared/table-options';
import { printed } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { rangeOf } from '../import/dropped-shifts';
import {
  acceptedEntries,
  type ImportFlags,
  type ImportKind,
  type ImportOptions,
  type ImportOutcome,
  importExitCode,
  importJson,
  importLines,
  importOptions,
  runImport,
  writeAccepted,
} from '../import/hand-written-import';
import { carryOut, planReplace, type Replaced, replacedJson, replacedLines, type ShownShift, shiftLine } from '../import/replace-shifts';
import { CALENDAR_TIMEOUT_SECONDS, type FileShift, readShiftFile } from '../import/shift-file';

interface ImportShiftsFlags extends ImportFlags {
  schedule?: string;
  replace?: boolean;
  calendarTimeout?: string;
}

export interface ImportShiftsOptions extends ImportOptions {
  replace: boolean;
  calendarTimeoutSeconds: number;
}

export interface WrittenShift extends ShownShift {
  line: number | null;
}

export interface KeptShift extends WrittenShift {
  source: string | null;
}

export interface ImportShiftsOutcome extends ImportOutcome<WrittenShift, KeptShift> {
  /** For a calendar: the window its events were read in. */
  window?: { from: Date; to: Date };
  /** With `--replace`. */
  replaced: Replaced | null;
}

const SHIFTS: ImportKind<FileShift, ShiftItem, WrittenShift, KeptShift> = {
  nameKey: 'schedule',
  sameKey: 'person and starts_at',
  noun: 'shift',
  shortNoun: 'shift',
  item: (shift, schedule, imported) => shiftItem(schedule, shift.email, shift.startsAt, shift.endsAt, { imported }),
  written: ({ entry, item }) => ({ line: entry.line, email: item.email, starts_at: item.starts_at, ends_at: item.ends_at }),
  kept: ({ entry, item }, source) => ({ line: entry.line, email: item.email, starts_at: item.starts_at, ends_at: item.ends_at, source }),
  writtenLine: shiftLine,
  keptLine: (shift) => printed`${shiftLine(shift)}  (source ${shift.source ?? '?'})`,
};

export const importShiftsCommand: CliCommand<[string, ImportShiftsFlags], ImportShiftsOptions, ImportShiftsOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withJsonOption(
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
          .option('--by <who>', "who imports (recorded on each shift; default: git's user.email)"),
      ).option('--calendar-timeout <seconds>', `most seconds spent reading an .ics file before giving up (default ${CALENDAR_TIMEOUT_SECONDS})`),
      STATE_TABLES,
    ),
  options: ([file, flags]) => ({
    ...importOptions(file, flags.schedule, '--schedule', flags),
    replace: flags.replace === true,
    calendarTimeoutSeconds: calendarTimeout(flags.calendarTimeout),
  }),
  run: (options, deps) =>
    runImport(
      options,
      deps,
      async (text, now) => {
        const read = await readShiftFile(options.file, text, options.name, now, options.calendarTimeoutSeconds);
        return { ...read, entries: read.shifts };
      },
      async (read, run) => {
        const { accepted, rejected, fileRejected } = await acceptedEntries(SHIFTS, read, run);
        // Rows the file itself gets wrong stop a replace; a row whose key a source syncs does not (that shift stays the source's).
        const where = { db: run.db, schedule: options.name, deadline: run.deadline };
        const listed = new Set(accepted.map(({ item }) => item.sk));
        const plan = options.replace ? await planReplace(where, listed, rangeOf(read.entries), fileRejected) : null;
        const imported = await writeAccepted(SHIFTS, accepted, rejected, run);
        const replaced = plan === null ? null : await carryOut(plan, options.dryRun, where);
        return { ...imported, ...(read.window === undefined ? {} : { window: read.window }), replaced };
      },
    ),
  exitCode: importExitCode,
  print: {
    json: (outcome) =>
      importJson(
        SHIFTS,
        outcome,
        outcome.window === undefined ? {} : { calendar_window: { from: outcome.window.from.toISOString(), to: outcome.window.to.toISOString() } },
        outcome.replaced === null ? {} : { replace: replacedJson(outcome.replaced) },
      ),
    human: (outcome, c) => {
      const lines = importLines(SHIFTS, outcome, c);
      return [
        ...(outcome.window === undefined
          ? []
          : [printed`Read the calendar's events from ${outcome.window.from.toISOString()} to ${outcome.window.to.toISOString()}.`]),
        ...lines.written,
        ...lines.kept,
        ...(outcome.replaced === null ? [] : replacedLines(outcome.replaced, outcome.dryRun)),
        ...lines.rejected,
      ];
    },
  },
};

function calendarTimeout(value: string | undefined): number {
  if (value === undefined) return CALENDAR_TIMEOUT_SECONDS;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > 3600)
    throw new UsageError(`--calendar-timeout ${JSON.stringify(value.slice(0, 20))}: a whole number of seconds from 1 to 3600`);
  return seconds;
}
