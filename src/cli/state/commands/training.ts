/**
 * `lumos-state training EMAIL`: the person's training records as the functions read them
 * (src/store/state-source.ts: the email normalised as the payload's, unreadable items left out),
 * each with whether it has expired. Exit 0 when the person has a record, 1 when none.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { DynamoStateSource, type StoredTraining } from '../../../store/state-source';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { openTables, STATE_TABLES, tablesOf, withTableOptions } from '../../shared/table-options';
import { printed } from '../../shared/terminal-text';
import { emailArgument } from '../email-argument';
import { stateTableError } from '../import/state-write-error';

interface TrainingFlags extends TablesOptions {
  json?: boolean;
}

export interface TrainingOptions {
  /** Normalised as the functions key it. */
  email: string;
  tables: TablesOptions;
}

export interface TrainingRow {
  course: string;
  completed_at: string;
  expires_at: string | null;
  expired: boolean;
  source: string | null;
}

export interface TrainingOutcome {
  table: string;
  email: string;
  at: Date;
  records: TrainingRow[];
}

const BUDGET_MS = 30_000;

export const trainingCommand: CliCommand<[string, TrainingFlags], TrainingOptions, TrainingOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withJsonOption(
        program
          .command('training')
          .description("a person's training records as the functions would read them, and whether each has expired")
          .argument('<email>', "the person's email (compared as the functions compare it)"),
      ),
      STATE_TABLES,
    ),
  options: ([email, flags]) => ({ email: emailArgument(email), tables: tablesOf(flags) }),
  run: async ({ email, tables }, deps) => {
    const now = deps.now();
    const db = await openTables(tables, STATE_TABLES);
    try {
      let records: StoredTraining[];
      try {
        records = await new DynamoStateSource(db.documents, db.required, 0).trainings([email], new Deadline(BUDGET_MS));
      } catch (error) {
        throw stateTableError(error, 'reading', db);
      }
      const rows = records
        .map((record) => ({
          course: record.course,
          completed_at: record.completed_at,
          expires_at: record.expires_at ?? null,
          expired: record.expires_at !== undefined && record.expires_at !== null && Date.parse(record.expires_at) <= now.getTime(),
          source: record.source ?? null,
        }))
        .sort((a, b) => (a.course < b.course ? -1 : 1));
      return { table: db.required, email, at: now, records: rows };
    } finally {
      db.close();
    }
  },
  exitCode: ({ records }) => (records.length > 0 ? EXIT.ok : EXIT.negative),
  print: {
    json: ({ table, email, at, records }) => ({ table, email, at: at.toISOString(), records }),
    human: ({ table, email, records }, c) => [
      ...records.map(
        (row) =>
          printed`${c.bold(printed`${row.course}`)}  completed ${row.completed_at}, ${row.expires_at === null ? printed`does not expire` : printed`${row.expired ? c.red(printed`expired`) : printed`expires`} ${row.expires_at}`}; ${row.source === null ? printed`hand-written` : printed`synced by ${row.source}`}`,
      ),
      printed`${plural(records.length, 'training record')} of ${email} in ${table}.`,
    ],
  },
};
