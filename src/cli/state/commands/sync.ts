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
import type { SourceSecretPrefixes } from '../../../sync/source-secret-prefixes';
import { SecretsManagerSourceSecrets } from '../../../sync/source-secret-texts';
import { type SyncReport, SyncService, UnknownSourceError } from '../../../sync/sync-service';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { joined, type Printed, printed, prose } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { stateTableError } from '../import/state-write-error';
import { type SourceOptions, sourcePrefixesOf, withSourcePrefixOptions } from '../source-options';
import { resolveStateTarget, type StateTargetOptions, withStateTargetOptions } from '../state-target';

interface SyncOptions extends StateTargetOptions, SourceOptions {
  json?: boolean;
}

/** As long as the state-sync function may run. */
const BUDGET_MS = 120_000;

export function defineSync(program: Command, { io, finish }: CommandContext): void {
  withSourcePrefixOptions(
    withStateTargetOptions(
      program
        .command('sync')
        .description('run one sync now over every configured source, or the one named, and print each outcome')
        .argument('[source]', 'the id of one source')
        .option('--json', 'print one JSON document on stdout instead of the summary'),
    ),
  ).action(async (only: string | undefined, options: SyncOptions) => {
    const target = await resolveStateTarget(options);
    let prefixes: SourceSecretPrefixes;
    try {
      prefixes = sourcePrefixesOf(options, target, io);
    } catch (error) {
      target.close();
      throw error;
    }
    const secretsManager = new SecretsManagerClient({
      ...(options.stack !== undefined && options.region !== undefined ? { region: options.region } : {}),
      maxAttempts: 2,
    });
    // The report is the output: the run's own JSON log lines would only interleave with it.
    logger.setLogLevel('SILENT');
    try {
      const service = new SyncService({
        sources: new DynamoSourceStore(target.documents, target.required),
        state: new DynamoSyncedStateStore(target.documents, target.required),
        secrets: new SecretsManagerSourceSecrets(secretsManager, prefixes),
        sourcePrefixes: prefixes,
      });
      let report: SyncReport;
      try {
        report = await service.run(new Deadline(BUDGET_MS), only);
      } catch (error) {
        if (error instanceof UnknownSourceError) throw new UsageError(`${error.message} (see \`lumos-state sources\`)`);
        throw stateTableError(error, 'reading the sources from', target);
      }
      const outcomes = [...report.outcomes].sort((a, b) => (a.id < b.id ? -1 : 1));
      const failed = outcomes.filter((outcome) => outcome.status === 'failed').length + report.problems.length;
      finish(
        writeReport(
          io,
          {
            exitCode: failed > 0 ? EXIT.negative : EXIT.ok,
            json: { table: target.required, started_at: report.startedAt, outcomes, refused: report.problems },
            human: (c) => [
              ...outcomes.map(
                (outcome) =>
                  printed`${c.bold(printed`${outcome.id}`)}  ${outcome.status === 'failed' ? c.red(printed`failed`) : outcome.status === 'partial' ? c.yellow(printed`partial`) : c.green(printed`complete`)}: ${
                    outcome.failure
                      ? printed`${outcome.failure.reason}: ${prose(outcome.failure.message)}`
                      : printed`${outcome.returned} returned, ${outcome.written} written, ${outcome.deleted} deleted, ${outcome.kept} kept${skippedText(outcome.skipped)}`
                  }`,
              ),
              ...report.problems.map((problem) => printed`${c.bold(printed`${problem.id}`)}  ${c.red(printed`refused`)}: ${prose(problem.message)}`),
              printed`${plural(outcomes.length + report.problems.length, 'source')} synced at ${report.startedAt}; ${failed} failed or refused.`,
            ],
          },
          options,
        ),
      );
    } finally {
      secretsManager.destroy();
      target.close();
    }
  });
}

function skippedText(skipped: Partial<Record<string, number>>): Printed {
  const parts = Object.entries(skipped).map(([reason, count]) => printed`${count ?? 0} ${reason}`);
  return parts.length === 0 ? printed`` : printed`; skipped ${joined(parts, ', ')}`;
}
