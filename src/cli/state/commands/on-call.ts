/**
 * `lumos-state on-call SCHEDULE [--at TIME]`: who the functions would find on call, read as they
 * read it (src/store/state-source.ts, emails as stored) and judged as an `on_call` condition
 * judges it (src/rules/evaluation.ts), with the schedule's source and whether it is stale. Exit 0
 * when someone is on call, 1 when nobody is.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { normaliseEmail } from '../../../lumos/email';
import { evaluate, sourceIsStale } from '../../../rules/evaluation';
import type { Facts, ScheduleSource } from '../../../rules/facts';
import { DynamoStateSource } from '../../../store/state-source';
import { DynamoSyncedStateStore } from '../../../store/synced-state-store';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { OpenTables, TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { openTables, STATE_TABLES, tablesOf, withTableOptions } from '../../shared/table-options';
import { type Colours, type Printed, printed, prose } from '../../shared/terminal-text';
import { atOption } from '../at-option';
import { nameArgument } from '../import/name-argument';
import { stateTableError } from '../import/state-write-error';

interface OnCallFlags extends TablesOptions {
  at?: string;
  json?: boolean;
}

export interface OnCallOptions {
  schedule: string;
  /** The time asked about; now when not given. */
  at?: Date;
  tables: TablesOptions;
}

export interface OnCallRow {
  email: string;
  /** Null: undecided (the source is stale). */
  on_call: boolean | null;
  detail: string;
  shifts: { starts_at: string; ends_at: string; source: string | null; escalation_level?: number }[];
}

export interface OnCallOutcome {
  table: string;
  schedule: string;
  at: Date;
  source: ScheduleSource | null;
  stale: boolean;
  /** The people with a shift covering `at`. */
  people: OnCallRow[];
  /** Shifts keyed by an email the functions would not form: they never find them. */
  unfindable: number;
}

const BUDGET_MS = 30_000;

export const onCallCommand: CliCommand<[string, OnCallFlags], OnCallOptions, OnCallOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withJsonOption(
        program
          .command('on-call')
          .description('who the functions would find on call for a schedule now (or --at), and whether its source is stale')
          .argument('<schedule>', 'the schedule, as rules name it in on_call')
          .option('--at <time>', 'an ISO-8601 time with a zone (default: now)'),
      ),
      STATE_TABLES,
    ),
  options: ([schedule, flags]) => {
    const name = nameArgument(schedule, 'SCHEDULE');
    const at = atOption(flags.at);
    return { schedule: name, ...(at === undefined ? {} : { at }), tables: tablesOf(flags) };
  },
  run: async (options, deps) => {
    const { schedule } = options;
    const at = options.at ?? deps.now();
    const db = await openTables(options.tables, STATE_TABLES);
    try {
      const { people, unfindable, facts } = await readSchedule(db, schedule, at);
      const source = facts.scheduleSources?.[0] ?? null;
      const stale = source !== null && sourceIsStale(source, at);
      const rows = people.flatMap((email) => personRow(email, schedule, facts));
      return { table: db.required, schedule, at, source, stale, people: rows, unfindable };
    } finally {
      db.close();
    }
  },
  exitCode: ({ people }) => (people.some((row) => row.on_call === true) ? EXIT.ok : EXIT.negative),
  print: {
    json: ({ table, schedule, at, source, stale, people, unfindable }) => ({
      table,
      schedule,
      at: at.toISOString(),
      source: source === null ? null : { ...source, stale },
      people,
      unfindable_items: unfindable,
    }),
    human: (outcome, c) => {
      const { schedule, at, source, stale, people, unfindable } = outcome;
      const onCall = people.filter((row) => row.on_call === true).length;
      return [
        source === null
          ? printed`${schedule} is synced by no source: only hand-written or imported shifts.`
          : printed`${schedule} is synced by source ${source.source}: last success ${source.last_success ?? 'never'}, stale after ${source.stale_after} min: ${stale ? c.red(printed`stale (its synced shifts do not count)`) : printed`fresh`}.`,
        ...people.flatMap((row) => personLines(row, c)),
        printed`${plural(onCall, 'person', 'people')} on call for ${schedule} at ${at.toISOString()}.`,
        ...(unfindable === 0 ? [] : [c.yellow(printed`${plural(unfindable, 'shift')} with a key the functions cannot find: see \`lumos-state check\`.`)]),
      ];
    },
  },
};

/** The schedule's shifts as the functions read them: the people its keys name, their shifts at `at`, and its source. */
async function readSchedule(db: OpenTables, schedule: string, at: Date): Promise<{ people: string[]; unfindable: number; facts: Facts }> {
  const deadline = new Deadline(BUDGET_MS);
  const state = new DynamoStateSource(db.documents, db.required, 0);
  try {
    // The people the schedule's keys name; a key the functions would not form (not normalised) is not found by them.
    const keyed = (await new DynamoSyncedStateStore(db.documents, db.required).shiftsOf(schedule, deadline)).map((item) =>
      item.sk.slice(0, item.sk.lastIndexOf('#')),
    );
    const people = [...new Set(keyed.filter((email) => normaliseEmail(email) === email))].sort();
    const unfindable = keyed.filter((email) => normaliseEmail(email) !== email).length;
    const shifts = await state.shifts(
      people.map((email) => ({ schedule, email })),
      at,
      deadline,
    );
    const scheduleSources = await state.scheduleSources([schedule], deadline);
    const request = { appId: '', permissions: [], target: '', requester: null, accessLength: null, customFields: {} };
    return { people, unfindable, facts: { request, now: at, shifts, scheduleSources } };
  } catch (error) {
    throw stateTableError(error, 'reading', db);
  }
}

/** The person's shifts covering the time asked about, judged as an `on_call` condition would; none when no shift covers it. */
function personRow(email: string, schedule: string, facts: Facts): OnCallRow[] {
  const at = facts.now.getTime();
  const covering = facts.shifts.filter((shift) => shift.email === email && Date.parse(shift.starts_at) <= at && at < Date.parse(shift.ends_at));
  if (covering.length === 0) return [];
  const outcome = evaluate({ type: 'on_call', schedule, who: 'target' }, { ...facts, request: { ...facts.request, target: email } });
  return [
    {
      email,
      on_call: outcome.ok ? true : outcome.unknown ? null : false,
      detail: outcome.detail,
      shifts: covering.map((shift) => ({
        starts_at: shift.starts_at,
        ends_at: shift.ends_at,
        source: shift.source ?? null,
        ...(shift.escalation_level === undefined ? {} : { escalation_level: shift.escalation_level }),
      })),
    },
  ];
}

function personLines(row: OnCallRow, c: Colours): Printed[] {
  return [
    printed`${c.bold(printed`${row.email}`)}  ${row.on_call === true ? c.green(printed`on call`) : row.on_call === null ? c.yellow(printed`undecided`) : printed`not on call`}: ${prose(row.detail)}`,
    ...row.shifts.map(
      (shift) =>
        printed`  ${shift.starts_at} → ${shift.ends_at}  ${shift.source === null ? printed`hand-written` : printed`synced by ${shift.source}`}${shift.escalation_level === undefined ? '' : printed`, level ${shift.escalation_level}`}`,
    ),
  ];
}
