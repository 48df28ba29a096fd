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
import type { SourceSecretPrefixes } from '../../../sync/source-secret-prefixes';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { openTables, STATE_TABLES, tablesOf, withTableOptions } from '../../shared/table-options';
import { type Colours, joined, type Printed, printed, prose } from '../../shared/terminal-text';
import { stateTableError } from '../import/state-write-error';
import { type SourcePrefixFlags, type SourcePrefixOptions, sourcePrefixesOf, sourcePrefixOptions, withSourcePrefixOptions } from '../source-options';

interface SourcesFlags extends TablesOptions, SourcePrefixFlags {
  json?: boolean;
}

export interface SourcesOptions {
  prefixes: SourcePrefixOptions;
  tables: TablesOptions;
}

type Covers = ReturnType<typeof coveredNames>;

export interface SourceRow {
  id: string;
  type: string | null;
  covers: Covers | null;
  stale_after: number;
  /** Why the source is not synced: it does not parse, or claims a name another owns. */
  refused: string | null;
  legacy_secret: boolean;
  last_success: string | null;
  last_failure: string | null;
  last_failure_reason: string | null;
  last_failure_message: string | null;
  last_run_status: string | null;
  incomplete_schedules: string[];
  stale_schedules: string[];
  stale: boolean;
}

export interface SourcesOutcome {
  table: string;
  at: Date;
  prefixes: SourceSecretPrefixes;
  sources: SourceRow[];
}

const BUDGET_MS = 30_000;
const DEFAULT_STALE_AFTER = 30;

export const sourcesCommand: CliCommand<[SourcesFlags], SourcesOptions, SourcesOutcome> = {
  declare: (program: Command) =>
    withSourcePrefixOptions(
      withTableOptions(
        withJsonOption(program.command('sources').description('every state source with its status: last success, last failure and why, stale or not')),
        STATE_TABLES,
      ),
    ),
  options: ([flags], io) => ({ prefixes: sourcePrefixOptions(flags, io), tables: tablesOf(flags) }),
  run: async (options, deps) => {
    const db = await openTables(options.tables, STATE_TABLES);
    const now = deps.now();
    try {
      const prefixes = sourcePrefixesOf(options.prefixes, options.tables.stack, db);
      let list: SourceList;
      try {
        list = await readSources(new DynamoSourceStore(db.documents, db.required), prefixes, new Deadline(BUDGET_MS));
      } catch (error) {
        throw stateTableError(error, 'reading', db);
      }
      return { table: db.required, at: now, prefixes, sources: sourceRows(list, now) };
    } finally {
      db.close();
    }
  },
  exitCode: ({ sources }) => (sources.some(troubled) ? EXIT.negative : EXIT.ok),
  print: {
    json: ({ table, at, sources }) => ({ table, at: at.toISOString(), sources }),
    human: ({ table, prefixes, sources }, c) => [
      ...sources.flatMap((row) => sourceLines(row, prefixes, c)),
      printed`${plural(sources.length, 'source')} in ${table}; ${sources.filter(troubled).length} stale or refused.`,
    ],
  },
};

const troubled = (row: SourceRow): boolean => row.stale || row.refused !== null;

/** Every source, parsed or refused, by id, with its status judged now. */
function sourceRows(list: SourceList, now: Date): SourceRow[] {
  const statusOf = new Map(list.statuses.map((status) => [status.id, status]));
  const legacy = new Set(list.legacySecrets);
  const listed = [
    ...list.sources.map((source) => ({
      id: source.id,
      type: source.type as string | null,
      covers: coveredNames(source) as Covers | null,
      stale_after: source.stale_after,
      refused: null as string | null,
      legacy_secret: legacy.has(source.id),
    })),
    ...list.problems.map((problem) => ({
      id: problem.id,
      type: null,
      covers: null,
      stale_after: statusOf.get(problem.id)?.stale_after ?? DEFAULT_STALE_AFTER,
      refused: problem.message,
      legacy_secret: false,
    })),
  ];
  return listed.sort((a, b) => (a.id < b.id ? -1 : 1)).map((row) => withStatus(row, statusOf.get(row.id), now));
}

function withStatus(row: Omit<SourceRow, keyof StatusColumns>, status: SourceStatus | undefined, now: Date): SourceRow {
  const judged: SourceStatus = { ...status, id: row.id, stale_after: row.stale_after };
  return {
    ...row,
    last_success: status?.last_success ?? null,
    last_failure: status?.last_failure ?? null,
    last_failure_reason: status?.last_failure_reason ?? null,
    last_failure_message: status?.last_failure_message ?? null,
    last_run_status: status?.last_run_status ?? null,
    incomplete_schedules: Array.isArray(status?.last_run_incomplete) ? status.last_run_incomplete : [],
    stale_schedules: staleSchedules(judged, now),
    stale: statusIsStale(judged, now),
  };
}

type StatusColumns = Pick<
  SourceRow,
  'last_success' | 'last_failure' | 'last_failure_reason' | 'last_failure_message' | 'last_run_status' | 'incomplete_schedules' | 'stale_schedules' | 'stale'
>;

function sourceLines(row: SourceRow, prefixes: SourceSecretPrefixes, c: Colours): Printed[] {
  const covers = row.covers === null ? '' : printed` → ${joined('schedules' in row.covers ? row.covers.schedules : row.covers.courses, ', ')}`;
  return [
    printed`${c.bold(printed`${row.id}`)}  ${row.type ?? 'not synced'}${covers}: ${row.stale ? c.red(printed`stale (after ${row.stale_after} min)`) : c.green(printed`fresh`)}`,
    printed`  last success ${row.last_success ?? 'never'}${row.last_run_status === null ? '' : printed`; last run ${row.last_run_status}`}`,
    ...lastRunLines(row, c),
    ...(row.refused === null ? [] : [c.red(printed`  refused: ${prose(row.refused)}`)]),
    ...(row.legacy_secret
      ? [c.yellow(printed`  secret under the legacy prefix ${prefixes.legacy ?? ''}: move it under ${prefixes.current} (docs/deploy.md)`)]
      : []),
  ];
}

/** What went wrong lately: the last failure, what the last run could not read whole, which schedules are stale. */
function lastRunLines(row: SourceRow, c: Colours): Printed[] {
  const lines: Printed[] = [];
  if (row.last_failure !== null) {
    lines.push(printed`  last failure ${row.last_failure}: ${row.last_failure_reason ?? ''}: ${prose(row.last_failure_message ?? '')}`);
  }
  if (row.last_run_status === 'partial' && row.incomplete_schedules.length > 0) {
    lines.push(printed`  not read whole in the last run: ${joined(row.incomplete_schedules, ', ')}`);
  }
  // Which schedules, when only some of the source's are stale.
  if (row.stale_schedules.length > 0 && row.stale_schedules.length < coveredCount(row.covers)) {
    lines.push(c.red(printed`  stale: ${joined(row.stale_schedules, ', ')} (their synced shifts do not count)`));
  }
  return lines;
}

function coveredCount(covers: Covers | null): number {
  if (covers === null) return 0;
  return 'schedules' in covers ? covers.schedules.length : covers.courses.length;
}
