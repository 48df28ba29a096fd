/**
 * `lumos-state import-training FILE --course NAME`: completions from a CSV
 * (`email,completed_at[,expires_at]`) into the state table, as hand-written training records (no
 * `source`) recording who imported them. Rejected rows are listed with their line, value and
 * reason, and the rest is still written (exit 1 when any was rejected); each is put only where no
 * synced record holds its key, and one a sync wrote meanwhile is kept and listed. `--dry-run`
 * writes nothing.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { DynamoSyncedStateStore } from '../../../store/synced-state-store';
import { trainingItem } from '../../../store/training-item';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { printed } from '../../shared/terminal-text';
import { importer } from '../import/importer';
import { nameArgument } from '../import/name-argument';
import { notSynced } from '../import/not-synced';
import { onePerKey } from '../import/one-per-key';
import { readImportFile } from '../import/read-file';
import { rejectionLine } from '../import/rejection';
import { readTrainingFile } from '../import/training-file';
import { type HandWrittenWrites, writeHandWritten } from '../import/write-hand-written';
import { resolveStateTarget, type StateTargetOptions, withStateTargetOptions } from '../state-target';

interface ImportTrainingOptions extends StateTargetOptions {
  course?: string;
  dryRun?: boolean;
  by?: string;
  json?: boolean;
}

const BUDGET_MS = 60_000;

export function defineImportTraining(program: Command, { io, finish }: CommandContext): void {
  withStateTargetOptions(
    program
      .command('import-training')
      .description('import training completions from a CSV (email,completed_at[,expires_at]) as hand-written records of one course')
      .argument('<file>', 'a .csv with the header email,completed_at and optionally expires_at')
      .option('--course <name>', 'the course completed, as rules name it in a `training` condition')
      .option('--dry-run', 'print what would be written; write nothing')
      .option('--by <who>', "who imports (recorded on each record; default: git's user.email)")
      .option('--json', 'print one JSON document on stdout instead of the summary'),
  ).action(async (file: string, options: ImportTrainingOptions) => {
    const course = nameArgument(options.course, '--course');
    const now = new Date();
    const read = readTrainingFile(file, readImportFile(file, io.cwd), now);
    const by = importer(options.by, io.cwd);
    const dryRun = options.dryRun === true;
    const target = await resolveStateTarget(options);
    try {
      const store = new DynamoSyncedStateStore(target.documents, target.required);
      const deadline = new Deadline(BUDGET_MS);
      const rejected = [...read.rejected];
      const candidates = onePerKey(
        read.records.map((record) => ({
          record,
          item: trainingItem(record.email, course, record.completedAt, {
            ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }),
            imported: { by, at: now },
          }),
        })),
        ({ record }) => record.line,
        ({ record }) => record.email,
        'person',
        rejected,
      );
      const accepted = await notSynced(
        candidates,
        store,
        target,
        deadline,
        (candidate, source) => ({
          line: candidate.record.line,
          value: candidate.record.email,
          reason: `source ${source} synced this record; the sync keeps it current`,
        }),
        rejected,
      );
      rejected.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      const writes: HandWrittenWrites<(typeof accepted)[number]> = dryRun
        ? { written: accepted, kept: [] }
        : await writeHandWritten(accepted, target, deadline);
      const written = writes.written.map(({ record, item }) => ({
        line: record.line,
        email: item.email,
        completed_at: item.completed_at,
        expires_at: item.expires_at ?? null,
      }));
      const kept = writes.kept.map(({ candidate: { record, item }, source }) => ({ line: record.line, email: item.email, source }));
      finish(
        writeReport(
          io,
          {
            exitCode: rejected.length > 0 ? EXIT.negative : EXIT.ok,
            json: { table: target.required, course, file, dry_run: dryRun, imported_by: by, written, kept, rejected },
            human: (c) => [
              ...written.map(
                (record) =>
                  printed`  ${record.email}  completed ${record.completed_at}${record.expires_at === null ? '' : printed`, expires ${record.expires_at}`}`,
              ),
              printed`${dryRun ? 'Would write' : 'Wrote'} ${plural(written.length, 'training record')} of ${course} to ${target.required}, imported by ${by}${dryRun ? ' (dry run: nothing written)' : ''}.`,
              ...(kept.length === 0
                ? []
                : [
                    ...kept.map((record) => printed`  ${record.email}  (source ${record.source ?? '?'})`),
                    printed`Kept ${plural(kept.length, 'synced record')} a source wrote under the same key meanwhile (not written: the sync keeps it current).`,
                  ]),
              ...(rejected.length === 0
                ? []
                : [
                    c.red(printed`Rejected ${plural(rejected.length, 'row')} (not written):`),
                    ...rejected.map((rejection) => printed`  ${rejectionLine(rejection)}`),
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
