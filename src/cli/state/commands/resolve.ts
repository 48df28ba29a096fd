/**
 * `lumos-state resolve GRANT --by WHO --reason WHY`: closes a pending removal by hand (the access
 * was removed some other way), so the sweeper stops retrying it. Only a pending removal can be
 * closed; the write is conditional on the version read, and an audit item of kind
 * `grant_resolved` records who closed it and why.
 */
import type { Command } from 'commander';
import { auditJob } from '../../../audit/writer';
import { grantDigest } from '../../../grants/due-index';
import { type GrantItem, type GrantKey, UnreadableGrantError } from '../../../grants/grant-item';
import { DynamoGrantLedger } from '../../../grants/grant-ledger';
import { grantStateAt } from '../../../grants/lifecycle';
import { asResolvedByHand } from '../../../grants/transitions';
import { Deadline } from '../../../kernel/deadline';
import { DynamoAuditSink } from '../../../store/audit-sink';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { OpenTables, TablesOptions } from '../../shared/open-tables';
import { TableError, tableError } from '../../shared/table-error';
import { GRANTS_TABLES, openTables, tablesOf, withTableOptions } from '../../shared/table-options';
import { printed } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { grantId, parseGrantId } from '../grant-id';

interface ResolveFlags extends TablesOptions {
  json?: boolean;
  by?: string;
  reason?: string;
}

export interface ResolveOptions {
  grant: GrantKey;
  /** Who closes it, and how the access was removed: both recorded in the audit item. */
  by: string;
  reason: string;
  tables: TablesOptions;
}

export interface ResolveOutcome {
  grant: string;
  resolved: GrantItem;
  by: string;
  reason: string;
}

const MAX_TEXT = 500;
/** As the functions keep audit items (AUDIT_RETENTION_DAYS' default). */
const AUDIT_RETENTION_DAYS = 400;
const BUDGET_MS = 10_000;

/** A required piece of text for the audit item: trimmed, one line, bounded. */
function text(value: string | undefined, flag: string): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') throw new UsageError(`${flag} is required: who closes it and why are recorded in the audit trail`);
  if (trimmed.length > MAX_TEXT || /[\p{Cc}\u2028\u2029]/u.test(trimmed)) throw new UsageError(`${flag}: one line of at most ${MAX_TEXT} characters`);
  return trimmed;
}

export const resolveCommand: CliCommand<[string, ResolveFlags], ResolveOptions, ResolveOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withJsonOption(
        program
          .command('resolve')
          .description('close a pending removal by hand once the access was removed some other way (audited)')
          .argument('<grant>', '<app_instance>/<email>#<permission>, as `lumos-state grants --pending` prints it')
          .option('--by <who>', 'who closes it (recorded in the audit item)')
          .option('--reason <why>', 'how the access was removed (recorded in the audit item)'),
      ),
      GRANTS_TABLES,
    ),
  options: ([grant, flags]) => ({ grant: parseGrantId(grant), by: text(flags.by, '--by'), reason: text(flags.reason, '--reason'), tables: tablesOf(flags) }),
  run: async ({ grant: key, by, reason, tables }, deps) => {
    const db = await openTables(tables, GRANTS_TABLES);
    try {
      const auditTable = db.tables.auditTable;
      if (auditTable === undefined) throw new UsageError('--endpoint needs --audit-table NAME too: a resolution is audited');
      const resolved = await close(db, key, by, reason, deps.now);
      await audit(db, auditTable, key, resolved, by, reason, deps.now);
      return { grant: grantId(key), resolved, by, reason };
    } finally {
      db.close();
    }
  },
  exitCode: () => EXIT.ok,
  print: {
    json: ({ grant, resolved, by, reason }) => ({ grant, state: resolved.state, removed_at: resolved.removed_at, resolved_by: by, reason }),
    human: ({ grant, resolved, by }) => [printed`Closed ${grant}: marked removed at ${resolved.removed_at ?? ''}, audited as resolved by ${by}.`],
  },
};

/** The resolution's audit item, of kind `grant_resolved`: who closed it and why. */
async function audit(db: OpenTables, auditTable: string, key: GrantKey, resolved: GrantItem, by: string, reason: string, now: () => Date): Promise<void> {
  const startedAt = Date.now();
  try {
    await auditJob(
      new DynamoAuditSink(db.documents, auditTable, AUDIT_RETENTION_DAYS),
      'grant_resolved',
      {
        app_id: resolved.app_id,
        subject: resolved.email,
        permissions: [resolved.permission],
        decision: 'RESOLVED',
        reason,
        actor: by,
        results: [{ permission: resolved.permission, status: 'removed', rule_id: resolved.rule_id, detail: `pending removal closed by hand: ${reason}` }],
        // Short whatever the key holds: the audit item's sort key ends in it (1,024 bytes at most).
        request_id: `resolve:${grantDigest(key)}:${resolved.version}`,
      },
      now(),
      startedAt,
      new Deadline(BUDGET_MS),
    );
  } catch {
    throw new TableError(`grant ${grantId(key)} was closed, but its audit item could not be written to ${auditTable}: record the resolution by hand`);
  }
}

/** Reads the grant, refuses anything but a pending removal, and writes it removed if nobody changed it meanwhile. */
async function close(db: OpenTables, key: GrantKey, by: string, reason: string, clock: () => Date): Promise<GrantItem> {
  const ledger = new DynamoGrantLedger(db.documents, db.required);
  const what = `the grants table ${db.required}`;
  const deadline = new Deadline(BUDGET_MS);
  try {
    const item = await ledger.get(key, deadline);
    const now = clock();
    if (item === null) throw new TableError(`grant ${grantId(key)} is not in ${db.required}`);
    const state = grantStateAt(item, now);
    if (state !== 'pending_removal') {
      throw new TableError(`grant ${grantId(key)} is ${state}, not a pending removal: only a pending removal can be closed by hand`);
    }
    const resolved = asResolvedByHand(item, by, reason, now);
    if (!(await ledger.save(resolved, item.version, deadline))) {
      throw new TableError(
        `grant ${grantId(key)} changed while it was being closed (the sweeper or a webhook acted on it): look again with \`lumos-state grants --pending\``,
      );
    }
    return resolved;
  } catch (error) {
    if (error instanceof TableError) throw error;
    if (error instanceof UnreadableGrantError) {
      throw new TableError(`grant ${grantId(key)} in ${db.required} is not a readable grant (${error.problem}): fix the item first`);
    }
    throw tableError(error instanceof Error && error.cause !== undefined ? error.cause : error, `writing ${what}`, db.where);
  }
}
