/**
 * `lumos-state training EMAIL`: the person's training records as the functions read them
 * (src/store/state-source.ts: the email normalised as the payload's, unreadable items left out),
 * each with whether it has expired. Exit 0 when the person has a record, 1 when none.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { DynamoStateSource, type StoredTraining } from '../../../store/state-source';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { printed } from '../../shared/terminal-text';
import { emailArgument } from '../email-argument';
import { stateTableError } from '../import/state-write-error';
import { resolveStateTarget, type StateTargetOptions, withStateTargetOptions } from '../state-target';

interface TrainingOptions extends StateTargetOptions {
  json?: boolean;
}

const BUDGET_MS = 30_000;

export function defineTraining(program: Command, { io, finish }: CommandContext): void {
  withStateTargetOptions(
    program
      .command('training')
      .description("a person's training records as the functions would read them, and whether each has expired")
      .argument('<email>', "the person's email (compared as the functions compare it)")
      .option('--json', 'print one JSON document on stdout instead of the summary'),
  ).action(async (emailText: string, options: TrainingOptions) => {
    const email = emailArgument(emailText);
    const now = new Date();
    const target = await resolveStateTarget(options);
    try {
      let records: StoredTraining[];
      try {
        records = await new DynamoStateSource(target.documents, target.required, 0).trainings([email], new Deadline(BUDGET_MS));
      } catch (error) {
        throw stateTableError(error, 'reading', target);
      }
      const rows = records
        .map((record) => ({
          course: record.course,
          completed_at: record.completed_at,
          expires_at: record.expires_at ?? null,
          expired: record.expires_at !== undefined && record.expires_at !== null && Date.parse(record.expires_at) <= now.getTime(),
          source: record.source ?? null,
        }))
        .sort((a, b) => (a.course < b.course ? -1 : 1));
      finish(
        writeReport(
          io,
          {
            exitCode: rows.length > 0 ? EXIT.ok : EXIT.negative,
            json: { table: target.required, email, at: now.toISOString(), records: rows },
            human: (c) => [
              ...rows.map(
                (row) =>
                  printed`${c.bold(printed`${row.course}`)}  completed ${row.completed_at}, ${row.expires_at === null ? printed`does not expire` : printed`${row.expired ? c.red(printed`expired`) : printed`expires`} ${row.expires_at}`}; ${row.source === null ? printed`hand-written` : printed`synced by ${row.source}`}`,
              ),
              printed`${plural(rows.length, 'training record')} of ${email} in ${target.required}.`,
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
