/**
 * `lumos-state sources`: every source item with its status as the sync records it (last success,
 * last failure and its reason, the last run's counts) and whether it is stale as the rules judge
 * it. A source that does not parse, or claims a name another owns, is listed with why; one whose
 * secret is still under the legacy prefix says so (move it: docs/deploy.md). Exit 1 when any
 * source is stale or refused.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { sourceIsStale } from '../../../rules/evaluation';
import { DynamoSourceStore, type SourceStatus } from '../../../store/source-store';
import { coveredNames, readSources, type SourceList } from '../../../sync/source-list';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { stateTableError } from '../import/state-write-error';
import { type SourceOptions, sourcePrefixesOf, withSourcePrefixOptions } from '../source-options';
import { resolveStateTarget, type StateTargetOptions, withStateTargetOptions } from '../state-target';

interface SourcesOptions extends StateTargetOptions, SourceOptions {
  json?: boolean;
}

const BUDGET_MS = 30_000;
const DEFAULT_STALE_AFTER = 30;

export function defineSources(program: Command, { io, finish }: CommandContext): void {
  withSourcePrefixOptions(
    withStateTargetOptions(
      program
        .command('sources')
        .description('every state source with its status: last success, last failure and why, stale or not')
        .option('--json', 'print one JSON document on stdout instead of the summary'),
    ),
  ).action(async (options: SourcesOptions) => {
    const target = await resolveStateTarget(options);
    const now = new Date();
    try {
      const prefixes = sourcePrefixesOf(options, target, io);
      let list: SourceList;
      try {
        list = await readSources(new DynamoSourceStore(target.documents, target.required), prefixes, new Deadline(BUDGET_MS));
      } catch (error) {
        throw stateTableError(error, 'reading', target);
      }
      const statusOf = new Map(list.statuses.map((status) => [status.id, status]));
      const legacy = new Set(list.legacySecrets);
      const rows = [
        ...list.sources.map((source) => {
          const staleAfter = source.stale_after;
          return {
            id: source.id,
            type: source.type as string | null,
            covers: coveredNames(source),
            stale_after: staleAfter,
            refused: null as string | null,
            legacy_secret: legacy.has(source.id),
          };
        }),
        ...list.problems.map((problem) => ({
          id: problem.id,
          type: null,
          covers: null,
          stale_after: statusOf.get(problem.id)?.stale_after ?? DEFAULT_STALE_AFTER,
          refused: problem.message,
          legacy_secret: false,
        })),
      ]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((row) => {
          const status: SourceStatus | undefined = statusOf.get(row.id);
          const lastSuccess = status?.last_success ?? null;
          return {
            ...row,
            last_success: lastSuccess,
            last_failure: status?.last_failure ?? null,
            last_failure_reason: status?.last_failure_reason ?? null,
            last_failure_message: status?.last_failure_message ?? null,
            last_run_status: status?.last_run_status ?? null,
            stale: sourceIsStale({ schedule: '', source: row.id, last_success: lastSuccess, stale_after: row.stale_after }, now),
          };
        });
      const troubled = rows.filter((row) => row.stale || row.refused !== null).length;
      finish(
        writeReport(
          io,
          {
            exitCode: troubled > 0 ? EXIT.negative : EXIT.ok,
            json: { table: target.required, at: now.toISOString(), sources: rows },
            human: (c) => [
              ...rows.flatMap((row) => [
                `${c.bold(row.id)}  ${row.type ?? 'not synced'}${row.covers === null ? '' : ` → ${'schedules' in row.covers ? row.covers.schedules.join(', ') : row.covers.courses.join(', ')}`}: ${row.stale ? c.red(`stale (after ${row.stale_after} min)`) : c.green('fresh')}`,
                `  last success ${row.last_success ?? 'never'}${row.last_run_status === null ? '' : `; last run ${row.last_run_status}`}`,
                ...(row.last_failure === null
                  ? []
                  : [`  last failure ${row.last_failure}: ${row.last_failure_reason ?? ''}: ${row.last_failure_message ?? ''}`]),
                ...(row.refused === null ? [] : [c.red(`  refused: ${row.refused}`)]),
                ...(row.legacy_secret
                  ? [c.yellow(`  secret under the legacy prefix ${prefixes.legacy ?? ''}: move it under ${prefixes.current} (docs/deploy.md)`)]
                  : []),
              ]),
              `${plural(rows.length, 'source')} in ${target.required}; ${troubled} stale or refused.`,
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
