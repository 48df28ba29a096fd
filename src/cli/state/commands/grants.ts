/**
 * `lumos-state grants`: the grants the expiry sweeper has to act on, from the ledger's `due`
 * index (never the whole table); `--pending` only the removals that failed and wait for their
 * next attempt, each with its last error. An item there that does not read as a grant is named on
 * stderr with why (the sweeper skips it until it is fixed); the report is the readable ones.
 */
import type { Command } from 'commander';
import { type DueEntry, DynamoDueGrants } from '../../../grants/due-grants';
import { grantStateAt } from '../../../grants/lifecycle';
import { Deadline } from '../../../kernel/deadline';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { targetError } from '../../shared/target-error';
import { printed, prose } from '../../shared/terminal-text';
import { grantId } from '../grant-id';
import { type GrantsTargetOptions, resolveGrantsTarget, withGrantsTargetOptions } from '../grants-target';

interface GrantsOptions extends GrantsTargetOptions {
  json?: boolean;
  pending?: boolean;
}

/** Reading a large index page by page still ends: a minute at most. */
const READ_BUDGET_MS = 60_000;

export function defineGrants(program: Command, { io, finish }: CommandContext): void {
  withGrantsTargetOptions(
    program
      .command('grants')
      .description('list the grants due: expired and not yet removed, or (--pending) removals that failed, with their last error')
      .option('--pending', 'only pending removals: the access may still exist and the sweeper retries it')
      .option('--json', 'print one JSON document on stdout instead of the summary'),
  ).action(async (options: GrantsOptions) => {
    const target = await resolveGrantsTarget(options);
    const now = new Date();
    try {
      const dueGrants = new DynamoDueGrants(target.documents, target.required);
      const due: DueEntry[] = [];
      try {
        for await (const page of dueGrants.due(now, new Deadline(READ_BUDGET_MS))) due.push(...page);
      } catch (error) {
        throw targetError(
          error instanceof Error && error.cause !== undefined ? error.cause : error,
          `reading the grants table ${target.required}`,
          target.where,
        );
      }
      const unreadable = due.flatMap((entry) => ('grant' in entry ? [] : [entry])).sort((a, b) => (grantId(a.key) < grantId(b.key) ? -1 : 1));
      for (const { key, problem } of unreadable) {
        io.stderr(
          printed`lumos-state: ${grantId(key)} in ${target.required} is not a readable grant (${prose(problem)}); the expiry sweeper skips it until it is fixed\n`,
        );
      }
      const listed = due
        .flatMap((entry) => ('grant' in entry ? [{ item: entry.grant, state: grantStateAt(entry.grant, now) }] : []))
        .filter(({ state }) => state !== 'removed' && (options.pending !== true || state === 'pending_removal'))
        .sort((a, b) => (grantId(a.item) < grantId(b.item) ? -1 : 1));
      const rows = listed.map(({ item, state }) => ({
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
      }));
      const what = options.pending === true ? 'pending removal' : 'grant due';
      finish(
        writeReport(
          io,
          {
            exitCode: EXIT.ok,
            json: { table: target.required, at: now.toISOString(), grants: rows },
            human: (c) => [
              ...rows.flatMap((row) => [
                printed`${c.bold(printed`${row.grant}`)}  ${row.state}${row.state === 'pending_removal' ? printed`, ${plural(row.removal_attempts, 'attempt')}, next ${row.next_attempt_at ?? 'now'}` : printed`, expired ${row.expires_at ?? 'never'}`}`,
                ...(row.removal_error === null ? [] : [printed`  last error: ${prose(row.removal_error)}`]),
              ]),
              printed`${plural(rows.length, what)} in ${target.required}.`,
            ],
          },
          options,
        ),
      );
    } finally {
      target.close();
    }
  });
}
