/**
 * `lumos-state grants`: the grants the expiry sweeper has to act on, from the ledger's `due`
 * index (never the whole table); `--pending` only the removals that failed and wait for their
 * next attempt, each with its last error.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { DynamoDueGrants } from '../../../store/due-grants';
import { type GrantItem, type GrantState, stateOf } from '../../../store/grant-item';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import { plural } from '../../shared/plural';
import { GRANTS_TABLES, openTables, tablesOf, withTableOptions } from '../../shared/table-options';
import type { TablesOptions } from '../../shared/table-target';
import { targetError } from '../../shared/target-error';
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
    const target = await openTables(options.tables, GRANTS_TABLES);
    const now = deps.now();
    try {
      const dueGrants = new DynamoDueGrants(target.documents, target.required);
      const due: GrantItem[] = [];
      try {
        for await (const page of dueGrants.due(now, new Deadline(READ_BUDGET_MS))) due.push(...page);
      } catch (error) {
        throw targetError(
          error instanceof Error && error.cause !== undefined ? error.cause : error,
          `reading the grants table ${target.required}`,
          target.where,
        );
      }
      const grants = due
        .map((item) => ({ item, state: stateOf(item, now) }))
        .filter(({ state }) => state !== 'removed' && (!options.pending || state === 'pending_removal'))
        .sort((a, b) => (grantId(a.item) < grantId(b.item) ? -1 : 1))
        .map(({ item, state }) => grantRow(item, state));
      return { table: target.required, at: now, pending: options.pending, grants };
    } finally {
      target.close();
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
