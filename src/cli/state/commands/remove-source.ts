/**
 * `lumos-state remove-source ID`: a state source gone for good, with everything it left: its
 * status marked removed first (so a run still under way cannot record it, and nothing it writes
 * counts), its source item (so no later run picks it up), then every shift and training record
 * whose `source` is ID (each delete conditional on that still being so). Prints
 * what it removed, per kind; `--dry-run` removes nothing and prints the same counts. Exit 1 when
 * there is nothing of that source at all (a mistyped id).
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { inPool } from '../../../kernel/pool';
import {
  deleteItemOfSource,
  deleteSourceItem,
  isShiftKey,
  markSourceRemoved,
  type SourceRecords,
  scheduleOf,
  sourceRecords,
  syncedItemsAnywhere,
  syncedShiftsIn,
} from '../../../store/source-removal';
import type { ItemKey } from '../../../store/synced-state-store';

import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { OpenTables, TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { openTables, STATE_TABLES, tablesOf, withTableOptions } from '../../shared/table-options';
import { joined, type Printed, printed } from '../../shared/terminal-text';
import { importer } from '../import/importer';
import { nameArgument } from '../import/name-argument';
import { stateTableError } from '../import/state-write-error';
import { type SourceCoverage, sourceCoverage } from '../source-coverage';

interface RemoveSourceFlags extends TablesOptions {
  by?: string;
  dryRun?: boolean;
  scan?: boolean;
  json?: boolean;
}

export interface RemoveSourceOptions {
  id: string;
  /** `--by`; git's user.email when not given. */
  by?: string;
  dryRun: boolean;
  /** Look in the whole state table, not only the schedules the source covers. */
  scan: boolean;
  tables: TablesOptions;
}

/** What was removed (or, in a dry run, would be). */
interface Removal {
  sourceItem: boolean;
  status: boolean;
  items: ItemKey[];
  /** Written by another origin between the read and the delete: left. */
  changed: ItemKey[];
}

export interface RemoveSourceOutcome {
  table: string;
  id: string;
  by: string;
  dryRun: boolean;
  searched: SourceCoverage;
  /** No source item, no status, no item it synced: a mistyped id. */
  nothing: boolean;
  sourceItem: boolean;
  status: boolean;
  shifts: number;
  trainingRecords: number;
  shiftsBySchedule: Record<string, number>;
  changed: number;
  /** A training source: a run under way may still write one of its records. */
  trainingSource: boolean;
}

/** A Scan of a large state table takes a while; this is an admin's command, not a request. */
const BUDGET_MS = 120_000;
const AT_ONCE = 8;

export const removeSourceCommand: CliCommand<[string, RemoveSourceFlags], RemoveSourceOptions, RemoveSourceOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withJsonOption(
        program
          .command('remove-source')
          .description('remove a state source: its source item, its status and every shift and training record it synced, saying how many')
          .argument('<id>', "the source id (the source item's sk)")
          .option('--by <who>', "who removes it (printed with the result; default: git's user.email)")
          .option('--dry-run', 'print what would be removed; remove nothing')
          .option('--scan', 'look for its items in the whole state table, not only the schedules it covers now (a schedule it used to sync)'),
      ),
      STATE_TABLES,
    ),
  options: ([id, flags]) => ({
    id: nameArgument(id, 'ID'),
    ...(flags.by === undefined ? {} : { by: flags.by }),
    dryRun: flags.dryRun === true,
    scan: flags.scan === true,
    tables: tablesOf(flags),
  }),
  run: async (options, deps) => {
    const { id, dryRun } = options;
    const by = importer(options.by, deps.cwd);
    const db = await openTables(options.tables, STATE_TABLES);
    try {
      const deadline = new Deadline(BUDGET_MS);
      const { records, searched, found } = await findSource(db, id, options.scan, deadline);
      const nothing = records.item === null && records.status === null && found.length === 0;
      const removal: Removal =
        dryRun || nothing
          ? { sourceItem: records.item !== null, status: records.status !== null, items: found, changed: [] }
          : await removeSource(db, id, by, found, deps.now(), deadline);
      const shifts = removal.items.filter(isShiftKey);
      return {
        table: db.required,
        id,
        by,
        dryRun,
        searched,
        nothing,
        sourceItem: removal.sourceItem,
        status: removal.status,
        shifts: shifts.length,
        trainingRecords: removal.items.length - shifts.length,
        shiftsBySchedule: countBySchedule(shifts),
        changed: removal.changed.length,
        trainingSource: 'courses' in (records.status ?? {}) || records.item?.type === 'knowbe4' || found.some((key) => !isShiftKey(key)),
      };
    } finally {
      db.close();
    }
  },
  exitCode: ({ nothing }) => (nothing ? EXIT.negative : EXIT.ok),
  print: {
    json: (outcome) => ({
      table: outcome.table,
      source: outcome.id,
      dry_run: outcome.dryRun,
      removed_by: outcome.by,
      searched: 'scan' in outcome.searched ? { scan: true } : { schedules: outcome.searched.schedules },
      removed: { source_item: outcome.sourceItem, status: outcome.status, shifts: outcome.shifts, training_records: outcome.trainingRecords },
      shifts_by_schedule: outcome.shiftsBySchedule,
      changed_meanwhile: outcome.changed,
    }),
    human: (outcome) =>
      outcome.nothing
        ? [printed`No source ${outcome.id} in ${outcome.table}: no source item, no status, no item it synced. Nothing removed.`]
        : removedLines(outcome),
  },
};

/** The source's records and the items it synced, where its coverage says they can be (or anywhere, with `--scan`). */
async function findSource(
  db: OpenTables,
  id: string,
  scan: boolean,
  deadline: Deadline,
): Promise<{ records: SourceRecords; searched: SourceCoverage; found: ItemKey[] }> {
  const { documents: client, required: table } = db;
  try {
    const records = await sourceRecords(client, table, id, deadline);
    const searched: SourceCoverage = scan ? { scan: true } : sourceCoverage(records);
    const found =
      'scan' in searched
        ? await syncedItemsAnywhere(client, table, id, deadline)
        : (await Promise.all(searched.schedules.map((schedule) => syncedShiftsIn(client, table, id, schedule, deadline)))).flat();
    return { records, searched, found };
  } catch (error) {
    throw stateTableError(error, 'reading', db);
  }
}

async function removeSource(db: OpenTables, id: string, by: string, found: readonly ItemKey[], now: Date, deadline: Deadline): Promise<Removal> {
  const { documents: client, required: table } = db;
  try {
    // The item first, so no run started from now on lists the source; then the status's
    // removal mark, stamped now: a run started before it cannot record the source again,
    // and the shifts such a run still writes count for nothing.
    const sourceItem = await deleteSourceItem(client, table, id, deadline);
    const status = await markSourceRemoved(client, table, id, by, now, deadline);
    const deleted = new Set<ItemKey>();
    await inPool(found, AT_ONCE, async (key) => {
      if (await deleteItemOfSource(client, table, key, id, deadline)) deleted.add(key);
    });
    return { sourceItem, status, items: found.filter((key) => deleted.has(key)), changed: found.filter((key) => !deleted.has(key)) };
  } catch (error) {
    throw stateTableError(error, 'writing', db);
  }
}

function countBySchedule(shifts: readonly ItemKey[]): Record<string, number> {
  const bySchedule: Record<string, number> = {};
  for (const key of shifts) bySchedule[scheduleOf(key)] = (bySchedule[scheduleOf(key)] ?? 0) + 1;
  return bySchedule;
}

function removedLines(outcome: RemoveSourceOutcome): Printed[] {
  const { id, table, by, dryRun, searched } = outcome;
  return [
    'scan' in searched
      ? printed`Scanned the whole state table for its items (training records are kept per person).`
      : printed`Looked in the ${plural(searched.schedules.length, 'schedule')} it covered: ${joined(searched.schedules, ', ')}.`,
    ...Object.entries(outcome.shiftsBySchedule)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([schedule, count]) => printed`  ${schedule}: ${plural(count, 'synced shift')}`),
    printed`${dryRun ? 'Would remove' : 'Removed'} source ${id} from ${table} (by ${by}): ${outcome.sourceItem ? 'its source item' : 'no source item'}, ${outcome.status ? 'its status' : 'no status'}, ${plural(outcome.shifts, 'synced shift')} and ${plural(outcome.trainingRecords, 'synced training record')}${dryRun ? ' (dry run: nothing removed)' : ''}.`,
    ...(outcome.changed === 0
      ? []
      : [printed`Left ${plural(outcome.changed, 'item')}: written by another origin since it was read (no longer of source ${id}).`]),
    // Training records do not go through a source's status: one a run under way writes after this counts until removed.
    ...(dryRun || !outcome.trainingSource
      ? []
      : [printed`A sync run already under way may still write a training record of ${id}: run remove-source ${id} --scan again after one sync interval.`]),
  ];
}
