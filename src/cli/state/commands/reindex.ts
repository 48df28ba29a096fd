/**
 * `lumos-state reindex`: puts grants written before the `due` index existed into it, once after
 * upgrading, so the expiry sweeper sees them too. Reads the whole grants table (the one command
 * that does) and rewrites only items that owe a removal but lack their index attributes, each
 * write conditional on the version read, the item otherwise unchanged; run it again at will. An
 * item that does not read as a grant is left as it is and named on stderr with why.
 */
import type { Command } from 'commander';
import { DUE_BUCKET_ATTRIBUTE, dueAtOf } from '../../../grants/due-index';
import { type GrantKey, readGrant } from '../../../grants/grant-item';
import { DynamoGrantLedger } from '../../../grants/grant-ledger';
import { Deadline } from '../../../kernel/deadline';
import type { ItemRecord } from '../../../store/item-codec';
import { scanItemPages } from '../../rules/table/scan-items';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { OpenTables, TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { tableError } from '../../shared/table-error';
import { GRANTS_TABLES, openTables, tablesOf, withTableOptions } from '../../shared/table-options';
import { printed, prose } from '../../shared/terminal-text';
import { grantId } from '../grant-id';

interface ReindexFlags extends TablesOptions {
  json?: boolean;
}

export interface ReindexOptions {
  tables: TablesOptions;
}

export interface ReindexOutcome {
  table: string;
  scanned: number;
  indexed: number;
  /** Written again between the read and the rewrite: already indexed by that write. */
  changed: number;
  /** Items that do not read as grants: left as they are, named on stderr. */
  unreadable: { key: GrantKey; problem: string }[];
}

const WRITE_BUDGET_MS = 10_000;

export const reindexCommand: CliCommand<[ReindexFlags], ReindexOptions, ReindexOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withJsonOption(
        program.command('reindex').description('put grants written before the due index into it (once after upgrading), so the expiry sweeper sees them'),
      ),
      GRANTS_TABLES,
    ),
  options: ([flags]) => ({ tables: tablesOf(flags) }),
  run: async (options) => {
    const db = await openTables(options.tables, GRANTS_TABLES);
    try {
      return { table: db.required, ...(await reindexed(db)) };
    } catch (error) {
      throw tableError(error instanceof Error && error.cause !== undefined ? error.cause : error, `reindexing the grants table ${db.required}`, db.where);
    } finally {
      db.close();
    }
  },
  exitCode: () => EXIT.ok,
  print: {
    json: ({ table, scanned, indexed, changed }) => ({ table, scanned, indexed, changed_meanwhile: changed }),
    human: ({ table, scanned, indexed, changed }) => [
      printed`${plural(indexed, 'grant')} put into the due index of ${table} (${plural(scanned, 'item')} read; ${changed} changed meanwhile, already indexed).`,
    ],
    notices: ({ table, unreadable }) =>
      unreadable.map(
        ({ key, problem }) =>
          printed`lumos-state: ${grantId(key)} in ${table} is not a readable grant (${prose(problem)}); left out of the due index until it is fixed\n`,
      ),
  },
};

async function reindexed(db: OpenTables): Promise<Omit<ReindexOutcome, 'table'>> {
  const ledger = new DynamoGrantLedger(db.documents, db.required);
  const counts: Omit<ReindexOutcome, 'table'> = { scanned: 0, indexed: 0, changed: 0, unreadable: [] };
  // Through the item codec: an item rewritten here keeps every hold, whatever its task URL.
  for await (const page of scanItemPages(db.documents, { TableName: db.required })) {
    for (const raw of page.items) {
      counts.scanned += 1;
      await reindexOne(ledger, raw, counts);
    }
  }
  return counts;
}

async function reindexOne(ledger: DynamoGrantLedger, raw: ItemRecord, counts: Omit<ReindexOutcome, 'table'>): Promise<void> {
  if (raw[DUE_BUCKET_ATTRIBUTE] !== undefined) return;
  const read = readGrant(raw);
  if (!read.ok) {
    counts.unreadable.push({ key: read.key, problem: read.problem });
    return;
  }
  const item = read.grant;
  if (dueAtOf(item) === null) return;
  // The same item and version: only its index attributes are added; a grant changed meanwhile already has them.
  if (await ledger.save(item, item.version, new Deadline(WRITE_BUDGET_MS))) counts.indexed += 1;
  else counts.changed += 1;
}
