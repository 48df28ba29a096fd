/**
 * The `lumos-state` program: the state the webhooks, the sweeper and the sync keep, seen and fixed
 * by an admin (docs/operations.md, "Expiry and pending removals"; docs/keeping-state-current.md); exit codes as lumos-rules's: 0 done,
 * 1 a negative answer or an unexpected error, 2 bad usage.
 */
import type { ExitCode } from '../shared/exit-codes';
import type { Io } from '../shared/io';
import { type ProgramSpec, runProgram } from '../shared/program';
import { defineCheck } from './commands/check';
import { defineGrants } from './commands/grants';
import { defineImportShifts } from './commands/import-shifts';
import { defineImportTraining } from './commands/import-training';
import { defineOnCall } from './commands/on-call';
import { defineReindex } from './commands/reindex';
import { defineRemoveShift } from './commands/remove-shift';
import { defineRemoveSource } from './commands/remove-source';
import { defineResolve } from './commands/resolve';
import { defineSources } from './commands/sources';
import { defineSync } from './commands/sync';
import { defineTraining } from './commands/training';

/** Every command, in the order `--help` lists them: one line each, so a new command is one added line. */
const COMMANDS: ProgramSpec['commands'] = [
  defineGrants, // grants [--pending]: grants due, and pending removals with their last error
  defineResolve, // resolve GRANT --by --reason: close a pending removal by hand, audited
  defineReindex, // reindex: grants written before the due index, into it (once after upgrading)
  defineImportShifts, // import-shifts FILE --schedule [--dry-run] [--replace] [--by]: a rota from CSV or .ics
  defineImportTraining, // import-training FILE --course [--dry-run] [--by]: completions from CSV
  defineRemoveShift, // remove-shift SCHEDULE EMAIL [--by]: one person's hand-written shifts off a schedule
  defineOnCall, // on-call SCHEDULE [--at]: who the functions would find on call, and the source's staleness
  defineTraining, // training EMAIL: the person's training records as the functions read them
  defineCheck, // check: state items the functions cannot read or find, and why
  defineSources, // sources: each state source with its last success, last failure and staleness
  defineSync, // sync [SOURCE]: one sync run now, each source's outcome
  defineRemoveSource, // remove-source ID [--by] [--dry-run]: a source gone, with its status and every item it synced
];

export const LUMOS_STATE: ProgramSpec = {
  name: 'lumos-state',
  description:
    'The state the Lumos webhook receiver keeps: grants due and pending removals, closing a pending removal by hand; on-call shifts and training records imported, seen and checked as the functions see them; the state sources and a sync now.',
  commands: COMMANDS,
};

export const runLumosState = (args: readonly string[], io: Io, version: string): Promise<ExitCode> => runProgram(LUMOS_STATE, args, io, version);
