/**
 * `lumos-state remove-shift SCHEDULE EMAIL`: takes one person off a schedule's rota at once by
 * removing their hand-written or imported shifts on it (never a synced one: its source owns it),
 * and says how many. Each delete is conditional on the item still having no `source`.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { deleteHandWrittenShift } from '../../../store/hand-written-shifts';
import { shiftPersonPrefix } from '../../../store/state-keys';
import { DynamoSyncedStateStore, type ExistingItem } from '../../../store/synced-state-store';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { printed } from '../../shared/terminal-text';
import { emailArgument } from '../email-argument';
import { importer } from '../import/importer';
import { nameArgument } from '../import/name-argument';
import { stateTableError } from '../import/state-write-error';
import { resolveStateTarget, type StateTargetOptions, withStateTargetOptions } from '../state-target';

interface RemoveShiftOptions extends StateTargetOptions {
  by?: string;
  json?: boolean;
}

const BUDGET_MS = 30_000;

export function defineRemoveShift(program: Command, { io, finish }: CommandContext): void {
  withStateTargetOptions(
    program
      .command('remove-shift')
      .description("remove a person's hand-written or imported shifts on a schedule (never synced ones), saying how many")
      .argument('<schedule>', 'the schedule, as rules name it in on_call')
      .argument('<email>', "the person's email (compared as the functions compare it)")
      .option('--by <who>', "who removes them (printed with the result; default: git's user.email)")
      .option('--json', 'print one JSON document on stdout instead of the summary'),
  ).action(async (scheduleArgument: string, emailText: string, options: RemoveShiftOptions) => {
    const schedule = nameArgument(scheduleArgument, 'SCHEDULE');
    const email = emailArgument(emailText);
    const by = importer(options.by, io.cwd);
    const target = await resolveStateTarget(options);
    try {
      const deadline = new Deadline(BUDGET_MS);
      const prefix = shiftPersonPrefix(email);
      const removed: ExistingItem[] = [];
      let synced: number;
      try {
        const theirs = (await new DynamoSyncedStateStore(target.documents, target.required).shiftsOf(schedule, deadline)).filter((item) =>
          item.sk.startsWith(prefix),
        );
        synced = theirs.filter((item) => item.source !== undefined).length;
        for (const item of theirs.filter((shift) => shift.source === undefined)) {
          if (await deleteHandWrittenShift(target.documents, target.required, item, deadline)) removed.push(item);
        }
      } catch (error) {
        throw stateTableError(error, 'writing', target);
      }
      const rows = removed.map((item) => ({ starts_at: item.starts_at ?? null, ends_at: item.ends_at ?? null }));
      finish(
        writeReport(
          io,
          {
            exitCode: EXIT.ok,
            json: { table: target.required, schedule, email, removed_by: by, removed: rows, synced_left: synced },
            human: () => [
              ...rows.map((row) => printed`  ${row.starts_at ?? '?'} → ${row.ends_at ?? '?'}`),
              printed`Removed ${plural(removed.length, 'hand-written shift')} of ${email} on ${schedule} from ${target.required} (by ${by}).`,
              ...(synced === 0 ? [] : [printed`${plural(synced, 'synced shift')} left: the source owns them; remove the person in the paging tool.`]),
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
