/**
 * `lumos-state import-training FILE --course NAME`: completions from a CSV
 * (`email,completed_at[,expires_at]`) into the state table, as hand-written training records (no
 * `source`) recording who imported them, through the import flow import-shifts shares
 * (src/cli/state/import/hand-written-import.ts). `--dry-run` writes nothing.
 */
import type { Command } from 'commander';
import { type TrainingItem, trainingItem } from '../../../store/training-item';
import type { CliCommand } from '../../shared/command';
import { withJsonOption } from '../../shared/common-options';
import { STATE_TABLES, withTableOptions } from '../../shared/table-options';
import { printed } from '../../shared/terminal-text';
import {
  acceptedEntries,
  type ImportFlags,
  type ImportKind,
  type ImportOptions,
  type ImportOutcome,
  importExitCode,
  importJson,
  importLines,
  importOptions,
  runImport,
  writeAccepted,
} from '../import/hand-written-import';
import { type FileTraining, readTrainingFile } from '../import/training-file';

interface ImportTrainingFlags extends ImportFlags {
  course?: string;
}

export interface WrittenRecord {
  line: number;
  email: string;
  completed_at: string;
  expires_at: string | null;
}

export interface KeptRecord {
  line: number;
  email: string;
  source: string | null;
}

export type ImportTrainingOutcome = ImportOutcome<WrittenRecord, KeptRecord>;

const TRAINING: ImportKind<FileTraining, TrainingItem, WrittenRecord, KeptRecord> = {
  nameKey: 'course',
  sameKey: 'person',
  noun: 'training record',
  shortNoun: 'record',
  item: (record, course, imported) =>
    trainingItem(record.email, course, record.completedAt, { ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }), imported }),
  written: ({ entry, item }) => ({ line: entry.line, email: item.email, completed_at: item.completed_at, expires_at: item.expires_at ?? null }),
  kept: ({ entry, item }, source) => ({ line: entry.line, email: item.email, source }),
  writtenLine: (record) =>
    printed`  ${record.email}  completed ${record.completed_at}${record.expires_at === null ? '' : printed`, expires ${record.expires_at}`}`,
  keptLine: (record) => printed`  ${record.email}  (source ${record.source ?? '?'})`,
};

export const importTrainingCommand: CliCommand<[string, ImportTrainingFlags], ImportOptions, ImportTrainingOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withJsonOption(
        program
          .command('import-training')
          .description('import training completions from a CSV (email,completed_at[,expires_at]) as hand-written records of one course')
          .argument('<file>', 'a .csv with the header email,completed_at and optionally expires_at')
          .option('--course <name>', 'the course completed, as rules name it in a `training` condition')
          .option('--dry-run', 'print what would be written; write nothing')
          .option('--by <who>', "who imports (recorded on each record; default: git's user.email)"),
      ),
      STATE_TABLES,
    ),
  options: ([file, flags]) => importOptions(file, flags.course, '--course', flags),
  run: (options, deps) =>
    runImport(
      options,
      deps,
      async (text, now) => {
        const read = readTrainingFile(options.file, text, now);
        return { entries: read.records, rejected: read.rejected };
      },
      async (read, run) => {
        const { accepted, rejected } = await acceptedEntries(TRAINING, read, run);
        return writeAccepted(TRAINING, accepted, rejected, run);
      },
    ),
  exitCode: importExitCode,
  print: {
    json: (outcome) => importJson(TRAINING, outcome),
    human: (outcome, c) => {
      const lines = importLines(TRAINING, outcome, c);
      return [...lines.written, ...lines.kept, ...lines.rejected];
    },
  },
};
