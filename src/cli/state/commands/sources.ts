/**
 * `lumos-state sources`: every source item with its status as the sync records it (last success,
 * last failure and its reason, the last run's counts, the schedules it could not read whole) and
 * whether it is stale as the functions judge it, schedule by schedule. A source that does not
 * parse, or claims a name another owns, is listed with why; one whose secret is still under the
 * legacy prefix says so (move it: docs/deploy.md). Exit 1 when any source is stale or refused.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { staleSchedules, statusIsStale } from '../../../store/schedule-sources';
import { DynamoSourceStore, type SourceStatus } from '../../../store/source-store';
import { coveredNames, readSources, type SourceList } from '../../../sync/source-list';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { joined, printed, prose } from '../../shared/terminal-text';
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
          const judged: SourceStatus = { ...status, id: row.id, stale_after: row.stale_after };
          return {
            ...row,
            last_success: lastSuccess,
            last_failure: status?.last_failure ?? null,
            last_failure_reason: status?.last_failure_reason ?? null,
            last_failure_message: status?.last_failure_message ?? null,
            last_run_status: status?.last_run_status ?? null,
            incomplete_schedules: Array.isArray(status?.last_run_incomplete) ? status.last_run_incomplete : [],
            stale_schedules: staleSchedules(judged, now),
            stale: statusIsStale(judged, now),
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
                printed`${c.bold(printed`${row.id}`)}  ${row.type ?? 'not synced'}${row.covers === null ? '' : printed` → ${joined('schedules' in row.covers ? row.covers.schedules : row.covers.courses, ', ')}`}: ${row.stale ? c.red(printed`stale (after ${row.stale_after} min)`) : c.green(printed`fresh`)}`,
                printed`  last success ${row.last_success ?? 'never'}${row.last_run_status === null ? '' : printed`; last run ${row.last_run_status}`}`,
                ...(row.last_failure === null
                  ? []
                  : [printed`  last failure ${row.last_failure}: ${row.last_failure_reason ?? ''}: ${prose(row.last_failure_message ?? '')}`]),
                ...(row.last_run_status === 'partial' && row.incomplete_schedules.length > 0
                  ? [printed`  not read whole in the last run: ${joined(row.incomplete_schedules, ', ')}`]
                  : []),
                // Which schedules, when only some of the source's are stale.
                ...(row.stale_schedules.length > 0 && row.stale_schedules.length < coveredCount(row.covers)
                  ? [c.red(printed`  stale: ${joined(row.stale_schedules, ', ')} (their synced shifts do not count)`)]
                  : []),
                ...(row.refused === null ? [] : [c.red(printed`  refused: ${prose(row.refused)}`)]),
                ...(row.legacy_secret
                  ? [c.yellow(printed`  secret under the legacy prefix ${prefixes.legacy ?? ''}: move it under ${prefixes.current} (docs/deploy.md)`)]
                  : []),
              ]),
              printed`${plural(rows.length, 'source')} in ${target.required}; ${troubled} stale or refused.`,
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

function coveredCount(covers: ReturnType<typeof coveredNames> | null): number {
  if (covers === null) return 0;
  return 'schedules' in covers ? covers.schedules.length : covers.courses.length;
}
