/**
 * `lumos-state sync [SOURCE]`: one sync run now, as the state-sync function runs it
 * (src/sync/sync-service.ts), over every configured source or the one named, its secrets read
 * from Secrets Manager under the source secret prefix (the stack's `SourceSecretPrefix` output
 * with `--stack`; credentials and region from the AWS SDK's default chain). Prints each source's
 * outcome; exit 1 when any failed or was refused.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { logger } from '../../../kernel/logger';
import { DynamoSourceStore } from '../../../store/source-store';
import { DynamoSyncedStateStore } from '../../../store/synced-state-store';
import type { SourceProblem } from '../../../sync/source-list';
import { SecretsManagerSourceSecrets } from '../../../sync/source-secret-texts';
import { type SyncReport, SyncService, UnknownSourceError } from '../../../sync/sync-service';
import type { SourceOutcome } from '../../../sync/sync-source';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { OpenTables, TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { openTables, STATE_TABLES, tablesOf, withTableOptions } from '../../shared/table-options';
import { type Colours, joined, type Printed, printed, prose } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { stateTableError } from '../import/state-write-error';
import { type SourcePrefixFlags, type SourcePrefixOptions, sourcePrefixesOf, sourcePrefixOptions, withSourcePrefixOptions } from '../source-options';

interface SyncFlags extends TablesOptions, SourcePrefixFlags {
  json?: boolean;
}

export interface SyncOptions {
  /** One source's id; every configured source when not given. */
  only?: string;
  prefixes: SourcePrefixOptions;
  tables: TablesOptions;
}

export interface SyncOutcome {
  table: string;
  startedAt: string;
  /** By source id. */
  outcomes: SourceOutcome[];
  refused: SourceProblem[];
}

/** As long as the state-sync function may run. */
const BUDGET_MS = 120_000;

export const syncCommand: CliCommand<[string | undefined, SyncFlags], SyncOptions, SyncOutcome> = {
  declare: (program: Command) =>
    withSourcePrefixOptions(
      withTableOptions(
        withJsonOption(
          program
            .command('sync')
            .description('run one sync now over every configured source, or the one named, and print each outcome')
            .argument('[source]', 'the id of one source'),
        ),
        STATE_TABLES,
      ),
    ),
  options: ([only, flags], io) => ({ ...(only === undefined ? {} : { only }), prefixes: sourcePrefixOptions(flags, io), tables: tablesOf(flags) }),
  run: async (options) => {
    const db = await openTables(options.tables, STATE_TABLES);
    try {
      const report = await syncNow(db, options);
      const outcomes = [...report.outcomes].sort((a, b) => (a.id < b.id ? -1 : 1));
      return { table: db.required, startedAt: report.startedAt, outcomes, refused: report.problems };
    } finally {
      db.close();
    }
  },
  exitCode: (outcome) => (failures(outcome) > 0 ? EXIT.negative : EXIT.ok),
  print: {
    json: ({ table, startedAt, outcomes, refused }) => ({ table, started_at: startedAt, outcomes, refused }),
    human: (outcome, c) => [
      ...outcome.outcomes.map((source) => outcomeLine(source, c)),
      ...outcome.refused.map((problem) => printed`${c.bold(printed`${problem.id}`)}  ${c.red(printed`refused`)}: ${prose(problem.message)}`),
      printed`${plural(outcome.outcomes.length + outcome.refused.length, 'source')} synced at ${outcome.startedAt}; ${failures(outcome)} failed or refused.`,
    ],
  },
};

const failures = ({ outcomes, refused }: SyncOutcome): number => outcomes.filter((outcome) => outcome.status === 'failed').length + refused.length;

async function syncNow(db: OpenTables, options: SyncOptions): Promise<SyncReport> {
  const prefixes = sourcePrefixesOf(options.prefixes, options.tables.stack, db);
  const { stack, region } = options.tables;
  const secretsManager = new SecretsManagerClient({ ...(stack !== undefined && region !== undefined ? { region } : {}), maxAttempts: 2 });
  // The report is the output: the run's own JSON log lines would only interleave with it.
  logger.setLogLevel('SILENT');
  try {
    const service = new SyncService({
      sources: new DynamoSourceStore(db.documents, db.required),
      state: new DynamoSyncedStateStore(db.documents, db.required),
      secrets: new SecretsManagerSourceSecrets(secretsManager, prefixes),
      sourcePrefixes: prefixes,
    });
    try {
      return await service.run(new Deadline(BUDGET_MS), options.only);
    } catch (error) {
      if (error instanceof UnknownSourceError) throw new UsageError(`${error.message} (see \`lumos-state sources\`)`);
      throw stateTableError(error, 'reading the sources from', db);
    }
  } finally {
    secretsManager.destroy();
  }
}

function outcomeLine(outcome: SourceOutcome, c: Colours): Printed {
  const status = outcome.status === 'failed' ? c.red(printed`failed`) : outcome.status === 'partial' ? c.yellow(printed`partial`) : c.green(printed`complete`);
  const detail = outcome.failure
    ? printed`${outcome.failure.reason}: ${prose(outcome.failure.message)}`
    : printed`${outcome.returned} returned, ${outcome.written} written, ${outcome.deleted} deleted, ${outcome.kept} kept${skippedText(outcome.skipped)}`;
  return printed`${c.bold(printed`${outcome.id}`)}  ${status}: ${detail}`;
}

function skippedText(skipped: Partial<Record<string, number>>): Printed {
  const parts = Object.entries(skipped).map(([reason, count]) => printed`${count ?? 0} ${reason}`);
  return parts.length === 0 ? printed`` : printed`; skipped ${joined(parts, ', ')}`;
}
