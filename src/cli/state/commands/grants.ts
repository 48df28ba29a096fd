/**
 * `lumos-state grants`: the grants the expiry sweeper has to act on, from the ledger's `due`
 * index (never the whole table); `--pending` only the removals that failed and wait for their
 * next attempt, each with its last error. An item there that does not read as a grant is named on
 * stderr with why (the sweeper skips it until it is fixed); the report is the readable ones.
 */
import type { Command } from 'commander';
import { type DueEntry, DynamoDueGrants, type UnreadableDue } from '../../../grants/due-grants';
import type { GrantItem } from '../../../grants/grant-item';
import { type GrantState, grantStateAt } from '../../../grants/lifecycle';
import { Deadline } from '../../../kernel/deadline';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { tableError } from '../../shared/table-error';
import { GRANTS_TABLES, openTables, tablesOf, withTableOptions } from '../../shared/table-options';
import { printed, prose } from '../../shared/terminal-text';
import { grantId } from '../grant-id';

interface GrantsFlags extends TablesOptions {
  json?: boolean;
  pending?: boolean;
}

export interface GrantsOptions {
  /** Only pending removals. */
  pending: boolean;
  tables: TablesOptions;
}

export interface GrantRow {
  grant: string;
  app_id: string;
  email: string;
  permission: string;
  state: GrantState;
  expires_at: string | null;
  removal_due_at: string | null;
  removal_attempts: number;
  removal_error: string | null;
  next_attempt_at: string | null;
}

export interface GrantsOutcome {
  table: string;
  at: Date;
  pending: boolean;
  grants: GrantRow[];
  /** Items the index has due that do not read as grants: named on stderr, left out of the report. */
  unreadable: UnreadableDue[];
}

/** Reading a large index page by page still ends: a minute at most. */
const READ_BUDGET_MS = 60_000;

export const grantsCommand: CliCommand<[GrantsFlags], GrantsOptions, GrantsOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withJsonOption(
        program
          .command('grants')
          .description('list the grants due: expired and not yet removed, or (--pending) removals that failed, with their last error')
          .option('--pending', 'only pending removals: the access may still exist and the sweeper retries it'),
      ),
      GRANTS_TABLES,
    ),
  options: ([flags]) => ({ pending: flags.pending === true, tables: tablesOf(flags) }),
  run: async (options, deps) => {
    const db = await openTables(options.tables, GRANTS_TABLES);
    const now = deps.now();
    try {
      const dueGrants = new DynamoDueGrants(db.documents, db.required);
      const due: DueEntry[] = [];
      try {
        for await (const page of dueGrants.due(now, new Deadline(READ_BUDGET_MS))) due.push(...page);
      } catch (error) {
        throw tableError(error instanceof Error && error.cause !== undefined ? error.cause : error, `reading the grants table ${db.required}`, db.where);
      }
      const unreadable = due.flatMap((entry) => ('grant' in entry ? [] : [entry])).sort((a, b) => (grantId(a.key) < grantId(b.key) ? -1 : 1));
      const grants = due
        .flatMap((entry) => ('grant' in entry ? [{ item: entry.grant, state: grantStateAt(entry.grant, now) }] : []))
        .filter(({ state }) => state !== 'removed' && (!options.pending || state === 'pending_removal'))
        .sort((a, b) => (grantId(a.item) < grantId(b.item) ? -1 : 1))
        .map(({ item, state }) => grantRow(item, state));
      return { table: db.required, at: now, pending: options.pending, grants, unreadable };
    } finally {
      db.close();
    }
  },
  exitCode: () => EXIT.ok,
  print: {
    json: ({ table, at, grants }) => ({ table, at: at.toISOString(), grants }),
    human: ({ table, pending, grants }, c) => [
      ...grants.flatMap((row) => [
        printed`${c.bold(printed`${row.grant}`)}  ${row.state}${row.state === 'pending_removal' ? printed`, ${plural(row.removal_attempts, 'attempt')}, next ${row.next_attempt_at ?? 'now'}` : printed`, expired ${row.expires_at ?? 'never'}`}`,
        ...(row.removal_error === null ? [] : [printed`  last error: ${prose(row.removal_error)}`]),
      ]),
      printed`${plural(grants.length, pending ? 'pending removal' : 'grant due')} in ${table}.`,
    ],
    notices: ({ table, unreadable }) =>
      unreadable.map(
        ({ key, problem }) =>
          printed`lumos-state: ${grantId(key)} in ${table} is not a readable grant (${prose(problem)}); the expiry sweeper skips it until it is fixed\n`,
      ),
  },
};

function grantRow(item: GrantItem, state: GrantState): GrantRow {
  return {
    grant: grantId(item),
    app_id: item.app_id,
    email: item.email,
    permission: item.permission,
    state,
    expires_at: item.expires_at,
    removal_due_at: item.removal_due_at ?? null,
    removal_attempts: item.removal_attempts ?? 0,
    removal_error: item.removal_error ?? null,
    next_attempt_at: item.next_attempt_at ?? null,
  };
}
