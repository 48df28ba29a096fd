/**
 * `lumos-state remove-shift SCHEDULE EMAIL`: takes one person off a schedule's rota at once by
 * removing their hand-written or imported shifts on it (never a synced one: its source owns it),
 * and says how many. Each delete is conditional on the item still having no `source`.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { deleteHandWrittenShift } from '../../../store/hand-written-shifts';
import { shiftPersonPrefix } from '../../../store/state-keys';
import { DynamoSyncedStateStore, type ExistingItem } from '../../../store/synced-state-store';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { OpenTables, TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { openTables, STATE_TABLES, tablesOf, withTableOptions } from '../../shared/table-options';
import { printed } from '../../shared/terminal-text';
import { emailArgument } from '../email-argument';
import { importer } from '../import/importer';
import { nameArgument } from '../import/name-argument';
import { stateTableError } from '../import/state-write-error';

interface RemoveShiftFlags extends TablesOptions {
  by?: string;
  json?: boolean;
}

export interface RemoveShiftOptions {
  schedule: string;
  email: string;
  /** `--by`; git's user.email when not given. */
  by?: string;
  tables: TablesOptions;
}

export interface RemoveShiftOutcome {
  table: string;
  schedule: string;
  email: string;
  by: string;
  removed: { starts_at: string | null; ends_at: string | null }[];
  /** The person's synced shifts on the schedule, left to their source. */
  syncedLeft: number;
}

const BUDGET_MS = 30_000;

export const removeShiftCommand: CliCommand<[string, string, RemoveShiftFlags], RemoveShiftOptions, RemoveShiftOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withJsonOption(
        program
          .command('remove-shift')
          .description("remove a person's hand-written or imported shifts on a schedule (never synced ones), saying how many")
          .argument('<schedule>', 'the schedule, as rules name it in on_call')
          .argument('<email>', "the person's email (compared as the functions compare it)")
          .option('--by <who>', "who removes them (printed with the result; default: git's user.email)"),
      ),
      STATE_TABLES,
    ),
  options: ([schedule, email, flags]) => ({
    schedule: nameArgument(schedule, 'SCHEDULE'),
    email: emailArgument(email),
    ...(flags.by === undefined ? {} : { by: flags.by }),
    tables: tablesOf(flags),
  }),
  run: async ({ schedule, email, tables, ...options }, deps) => {
    const by = importer(options.by, deps.cwd);
    const db = await openTables(tables, STATE_TABLES);
    try {
      const { removed, syncedLeft } = await removeHandWritten(db, schedule, email);
      const rows = removed.map((item) => ({ starts_at: item.starts_at ?? null, ends_at: item.ends_at ?? null }));
      return { table: db.required, schedule, email, by, removed: rows, syncedLeft };
    } finally {
      db.close();
    }
  },
  exitCode: () => EXIT.ok,
  print: {
    json: ({ table, schedule, email, by, removed, syncedLeft }) => ({ table, schedule, email, removed_by: by, removed, synced_left: syncedLeft }),
    human: ({ table, schedule, email, by, removed, syncedLeft }) => [
      ...removed.map((row) => printed`  ${row.starts_at ?? '?'} → ${row.ends_at ?? '?'}`),
      printed`Removed ${plural(removed.length, 'hand-written shift')} of ${email} on ${schedule} from ${table} (by ${by}).`,
      ...(syncedLeft === 0 ? [] : [printed`${plural(syncedLeft, 'synced shift')} left: the source owns them; remove the person in the paging tool.`]),
    ],
  },
};

async function removeHandWritten(db: OpenTables, schedule: string, email: string): Promise<{ removed: ExistingItem[]; syncedLeft: number }> {
  const deadline = new Deadline(BUDGET_MS);
  const prefix = shiftPersonPrefix(email);
  const removed: ExistingItem[] = [];
  try {
    const theirs = (await new DynamoSyncedStateStore(db.documents, db.required).shiftsOf(schedule, deadline)).filter((item) => item.sk.startsWith(prefix));
    for (const item of theirs.filter((shift) => shift.source === undefined)) {
      if (await deleteHandWrittenShift(db.documents, db.required, item, deadline)) removed.push(item);
    }
    return { removed, syncedLeft: theirs.filter((item) => item.source !== undefined).length };
  } catch (error) {
    throw stateTableError(error, 'writing', db);
  }
}
