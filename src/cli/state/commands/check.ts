/**
 * `lumos-state check`: the state items the functions cannot read or find (keys not normalised,
 * times that do not parse, shifts without an end, an `email` that is not the key's person),
 * each with why. Reads the whole state table; exit 1 when any item has a problem.
 */
import type { Command } from 'commander';
import { scanPages } from '../../rules/table/scan-pages';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { OpenTables, TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { openTables, STATE_TABLES, tablesOf, withTableOptions } from '../../shared/table-options';
import { printed, prose, quoted } from '../../shared/terminal-text';
import { stateTableError } from '../import/state-write-error';
import { stateItemProblems } from '../state-item-problems';

interface CheckFlags extends TablesOptions {
  json?: boolean;
}

export interface CheckOptions {
  tables: TablesOptions;
}

export interface ItemProblems {
  pk: string;
  sk: string;
  problems: string[];
}

export interface CheckOutcome {
  table: string;
  scanned: number;
  withProblems: number;
  /** The first items with problems, at most `LISTED`. */
  items: ItemProblems[];
}

/** Listed in full up to this many; a table of nonsense is summarised, not dumped. */
const LISTED = 1_000;

export const checkCommand: CliCommand<[CheckFlags], CheckOptions, CheckOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withJsonOption(
        program
          .command('check')
          .description('list state items the functions cannot read or find: keys not normalised, times that do not parse, shifts without an end'),
      ),
      STATE_TABLES,
    ),
  options: ([flags]) => ({ tables: tablesOf(flags) }),
  run: async (options) => {
    const db = await openTables(options.tables, STATE_TABLES);
    try {
      return { table: db.required, ...(await checked(db)) };
    } catch (error) {
      throw stateTableError(error, 'reading', db);
    } finally {
      db.close();
    }
  },
  exitCode: ({ withProblems }) => (withProblems > 0 ? EXIT.negative : EXIT.ok),
  print: {
    json: ({ table, scanned, withProblems, items }) => ({ table, scanned, with_problems: withProblems, items }),
    human: ({ table, scanned, withProblems, items }, c) => [
      ...items.flatMap((entry) => [
        c.bold(printed`${quoted(entry.pk)} / ${quoted(entry.sk)}`),
        ...entry.problems.map((problem) => printed`  ${prose(problem)}`),
      ]),
      printed`${plural(withProblems, 'state item')} the functions cannot read or find, of ${plural(scanned, 'item')} in ${table}${withProblems > items.length ? printed` (the first ${items.length} listed)` : ''}.`,
    ],
  },
};

async function checked(db: OpenTables): Promise<Omit<CheckOutcome, 'table'>> {
  const outcome: Omit<CheckOutcome, 'table'> = { scanned: 0, withProblems: 0, items: [] };
  for await (const page of scanPages(db.documents, { TableName: db.required })) {
    for (const item of page.Items ?? []) {
      outcome.scanned += 1;
      const problems = stateItemProblems(item);
      if (problems.length === 0) continue;
      outcome.withProblems += 1;
      if (outcome.items.length < LISTED) outcome.items.push({ pk: String(item.pk), sk: String(item.sk), problems });
    }
  }
  return outcome;
}
