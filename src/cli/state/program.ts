/**
 * The `lumos-state` program: the state the webhooks, the sweeper and the sync keep, seen and fixed
 * by an admin (docs/operations.md, "Expiry and pending removals"; docs/keeping-state-current.md); exit codes as lumos-rules's: 0 done,
 * 1 a negative answer or an unexpected error, 2 bad usage.
 */
import { defineCommand } from '../shared/command';
import type { ExitCode } from '../shared/exit-codes';
import type { Io } from '../shared/io';
import { type ProgramSpec, runProgram } from '../shared/program';
import { checkCommand } from './commands/check';
import { grantsCommand } from './commands/grants';
import { importShiftsCommand } from './commands/import-shifts';
import { importTrainingCommand } from './commands/import-training';
import { onCallCommand } from './commands/on-call';
import { reindexCommand } from './commands/reindex';
import { removeShiftCommand } from './commands/remove-shift';
import { removeSourceCommand } from './commands/remove-source';
import { resolveCommand } from './commands/resolve';
import { sourcesCommand } from './commands/sources';
import { syncCommand } from './commands/sync';
import { trainingCommand } from './commands/training';

/** Every command, in the order `--help` lists them: one line each, so a new command is one added line. */
const COMMANDS: ProgramSpec['commands'] = [
  defineCommand(grantsCommand), // grants [--pending]: grants due, and pending removals with their last error
  defineCommand(resolveCommand), // resolve GRANT --by --reason: close a pending removal by hand, audited
  defineCommand(reindexCommand), // reindex: grants written before the due index, into it (once after upgrading)
  defineCommand(importShiftsCommand), // import-shifts FILE --schedule [--dry-run] [--replace] [--by]: a rota from CSV or .ics
  defineCommand(importTrainingCommand), // import-training FILE --course [--dry-run] [--by]: completions from CSV
  defineCommand(removeShiftCommand), // remove-shift SCHEDULE EMAIL [--by]: one person's hand-written shifts off a schedule
  defineCommand(onCallCommand), // on-call SCHEDULE [--at]: who the functions would find on call, and the source's staleness
  defineCommand(trainingCommand), // training EMAIL: the person's training records as the functions read them
  defineCommand(checkCommand), // check: state items the functions cannot read or find, and why
  defineCommand(sourcesCommand), // sources: each state source with its last success, last failure and staleness
  defineCommand(syncCommand), // sync [SOURCE]: one sync run now, each source's outcome
  defineCommand(removeSourceCommand), // remove-source ID [--by] [--dry-run]: a source gone, with its status and every item it synced
];

export const LUMOS_STATE: ProgramSpec = {
  name: 'lumos-state',
  description:
    'The state the Lumos webhook receiver keeps: grants due and pending removals, closing a pending removal by hand; on-call shifts and training records imported, seen and checked as the functions see them; the state sources and a sync now.',
  commands: COMMANDS,
};

export const runLumosState = (args: readonly string[], io: Io, version: string): Promise<ExitCode> => runProgram(LUMOS_STATE, args, io, version);
