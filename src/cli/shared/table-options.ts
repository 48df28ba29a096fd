/**
 * The options that say which tables a command works on, defined once for every command of every
 * CLI: `--endpoint` and the table flags (DynamoDB Local), or `--stack`, and `--region`. A command
 * names its tables as a `TableSet`; `withTableOptions` declares them, `tablesOf` reads them back
 * from what commander parsed, and `resolveTables` (./open-tables.ts) opens them.
 */
import type { Command } from 'commander';
import { type OpenTables, resolveTables, TABLE_FLAGS, type TableOption, type TablesOptions } from './open-tables';

/** The tables a command works on: the first it cannot do without, the others taken when given or in the stack's outputs. */
export interface TableSet {
  tables: readonly [TableOption, ...TableOption[]];
  /** What a table is read for, where `--help` says so. */
  purposes?: Partial<Record<TableOption, string>>;
}

export const RULES_TABLES: TableSet = {
  tables: ['rulesTable', 'auditTable', 'stateTable'],
  purposes: { auditTable: 'for the replay of past decisions', stateTable: 'for live on-call and training' },
};
export const GRANTS_TABLES: TableSet = { tables: ['grantsTable', 'auditTable'] };
export const STATE_TABLES: TableSet = { tables: ['stateTable'] };

export function withTableOptions(command: Command, set: TableSet): Command {
  command.option('--endpoint <url>', 'DynamoDB Local, as the `npm start` banner prints it (region "local", dummy credentials)');
  for (const table of set.tables) {
    const flag = TABLE_FLAGS[table];
    const purpose = set.purposes?.[table];
    command.option(`${flag} <name>`, `the ${flag.slice(2, -'-table'.length)} table${purpose === undefined ? '' : `, ${purpose}`} (with --endpoint)`);
  }
  return command
    .option('--stack <name>', 'a deployed stack: table names from its outputs, credentials from the AWS SDK’s default chain')
    .option('--region <region>', 'the AWS region (default: AWS_REGION, or "local" with --endpoint)');
}

/** The table options among what commander parsed, and nothing else. */
export function tablesOf(flags: TablesOptions): TablesOptions {
  const { endpoint, region, stack, rulesTable, auditTable, stateTable, grantsTable } = flags;
  return Object.fromEntries(
    Object.entries({ endpoint, region, stack, rulesTable, auditTable, stateTable, grantsTable }).filter(([, value]) => value !== undefined),
  ) as TablesOptions;
}

/** Whether the options name any tables at all. */
export const namesTables = (options: TablesOptions): boolean => options.endpoint !== undefined || options.stack !== undefined;

/** The command's tables, opened: its required one always, the others when given or in the stack's outputs. */
export const openTables = (options: TablesOptions, set: TableSet): Promise<OpenTables> => resolveTables(options, set.tables[0]);
