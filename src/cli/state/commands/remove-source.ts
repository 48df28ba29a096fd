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
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { joined, printed } from '../../shared/terminal-text';
import { importer } from '../import/importer';
import { nameArgument } from '../import/name-argument';
import { stateTableError } from '../import/state-write-error';
import { type SourceCoverage, sourceCoverage } from '../source-coverage';
import { resolveStateTarget, type StateTargetOptions, withStateTargetOptions } from '../state-target';

interface RemoveSourceOptions extends StateTargetOptions {
  by?: string;
  dryRun?: boolean;
  scan?: boolean;
  json?: boolean;
}

/** A Scan of a large state table takes a while; this is an admin's command, not a request. */
const BUDGET_MS = 120_000;
const AT_ONCE = 8;

export function defineRemoveSource(program: Command, { io, finish }: CommandContext): void {
  withStateTargetOptions(
    program
      .command('remove-source')
      .description('remove a state source: its source item, its status and every shift and training record it synced, saying how many')
      .argument('<id>', "the source id (the source item's sk)")
      .option('--by <who>', "who removes it (printed with the result; default: git's user.email)")
      .option('--dry-run', 'print what would be removed; remove nothing')
      .option('--scan', 'look for its items in the whole state table, not only the schedules it covers now (a schedule it used to sync)')
      .option('--json', 'print one JSON document on stdout instead of the summary'),
  ).action(async (idArgument: string, options: RemoveSourceOptions) => {
    const id = nameArgument(idArgument, 'ID');
    const by = importer(options.by, io.cwd);
    const dryRun = options.dryRun === true;
    const target = await resolveStateTarget(options);
    try {
      const deadline = new Deadline(BUDGET_MS);
      const { documents: client, required: table } = target;
      let records: SourceRecords;
      let coverage: SourceCoverage;
      let found: ItemKey[];
      try {
        records = await sourceRecords(client, table, id, deadline);
        coverage = options.scan === true ? { scan: true } : sourceCoverage(records);
        found =
          'scan' in coverage
            ? await syncedItemsAnywhere(client, table, id, deadline)
            : (await Promise.all(coverage.schedules.map((schedule) => syncedShiftsIn(client, table, id, schedule, deadline)))).flat();
      } catch (error) {
        throw stateTableError(error, 'reading', target);
      }
      let removedItem = records.item !== null;
      let removedStatus = records.status !== null;
      let removed = found;
      const changed: ItemKey[] = [];
      const anything = records.item !== null || records.status !== null || found.length > 0;
      if (!dryRun && anything) {
        try {
          // The item first, so no run started from now on lists the source; then the status's
          // removal mark, stamped now: a run started before it cannot record the source again,
          // and the shifts such a run still writes count for nothing.
          removedItem = await deleteSourceItem(client, table, id, deadline);
          removedStatus = await markSourceRemoved(client, table, id, by, new Date(), deadline);
          const deleted = new Set<ItemKey>();
          await inPool(found, AT_ONCE, async (key) => {
            if (await deleteItemOfSource(client, table, key, id, deadline)) deleted.add(key);
          });
          removed = found.filter((key) => deleted.has(key));
          changed.push(...found.filter((key) => !deleted.has(key)));
        } catch (error) {
          throw stateTableError(error, 'writing', target);
        }
      }
      const trainingSource = 'courses' in (records.status ?? {}) || records.item?.type === 'knowbe4' || found.some((key) => !isShiftKey(key));
      const shifts = removed.filter(isShiftKey);
      const training = removed.filter((key) => !isShiftKey(key));
      const bySchedule: Record<string, number> = {};
      for (const key of shifts) bySchedule[scheduleOf(key)] = (bySchedule[scheduleOf(key)] ?? 0) + 1;
      const nothing = records.item === null && records.status === null && found.length === 0;
      const verb = dryRun ? 'Would remove' : 'Removed';
      finish(
        writeReport(
          io,
          {
            exitCode: nothing ? EXIT.negative : EXIT.ok,
            json: {
              table,
              source: id,
              dry_run: dryRun,
              removed_by: by,
              searched: 'scan' in coverage ? { scan: true } : { schedules: coverage.schedules },
              removed: { source_item: removedItem, status: removedStatus, shifts: shifts.length, training_records: training.length },
              shifts_by_schedule: bySchedule,
              changed_meanwhile: changed.length,
            },
            human: () =>
              nothing
                ? [printed`No source ${id} in ${table}: no source item, no status, no item it synced. Nothing removed.`]
                : [
                    'scan' in coverage
                      ? printed`Scanned the whole state table for its items (training records are kept per person).`
                      : printed`Looked in the ${plural(coverage.schedules.length, 'schedule')} it covered: ${joined(coverage.schedules, ', ')}.`,
                    ...Object.entries(bySchedule)
                      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
                      .map(([schedule, count]) => printed`  ${schedule}: ${plural(count, 'synced shift')}`),
                    printed`${verb} source ${id} from ${table} (by ${by}): ${removedItem ? 'its source item' : 'no source item'}, ${removedStatus ? 'its status' : 'no status'}, ${plural(shifts.length, 'synced shift')} and ${plural(training.length, 'synced training record')}${dryRun ? ' (dry run: nothing removed)' : ''}.`,
                    ...(changed.length === 0
                      ? []
                      : [printed`Left ${plural(changed.length, 'item')}: written by another origin since it was read (no longer of source ${id}).`]),
                    // Training records do not go through a source's status: one a run under way writes after this counts until removed.
                    ...(dryRun || !trainingSource
                      ? []
                      : [
                          printed`A sync run already under way may still write a training record of ${id}: run remove-source ${id} --scan again after one sync interval.`,
                        ]),
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
