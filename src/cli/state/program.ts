/**
 * The `lumos-state` program: the state the webhooks and the sweeper keep, seen and fixed by an
 * admin (docs/operations.md, "Expiry and pending removals"); exit codes as lumos-rules's: 0 done,
 * 1 a negative answer or an unexpected error, 2 bad usage.
 */
import { Command, CommanderError } from 'commander';
import type { DefineCommand } from '../shared/command-context';
import { EXIT, type ExitCode } from '../shared/exit-codes';
import type { Io } from '../shared/io';
import { unexpectedErrorText } from '../shared/output';
import { printable } from '../shared/printable';
import { TargetError } from '../shared/target-error';
import { UsageError } from '../shared/usage-error';
import { defineGrants } from './commands/grants';
import { defineReindex } from './commands/reindex';
import { defineResolve } from './commands/resolve';

/** Every command, in the order `--help` lists them: one line each, so a new command is one added line. */
const COMMANDS: readonly DefineCommand[] = [
  defineGrants, // grants [--pending]: grants due, and pending removals with their last error
  defineResolve, // resolve GRANT --by --reason: close a pending removal by hand, audited
  defineReindex, // reindex: grants written before the due index, into it (once after upgrading)
];

export async function runLumosState(args: readonly string[], io: Io, version: string): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const program = new Command('lumos-state')
    .description('The state the Lumos webhook receiver keeps: grants due and pending removals, and closing a pending removal by hand.')
    .version(version)
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
    .showSuggestionAfterError(true)
    .exitOverride();
  for (const define of COMMANDS) define(program, { io, finish: (code) => (exitCode = code) });

  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has already printed its message (an unknown option, a missing argument; or the help).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof TargetError) {
      io.stderr(`lumos-state: ${printable(error.message)}\n`);
      return EXIT.negative;
    }
    if (error instanceof UsageError) {
      io.stderr(`error: ${printable(error.message)}\n`);
      return EXIT.usage;
    }
    io.stderr(printable(unexpectedErrorText(error, io.env)));
    return EXIT.negative;
  }
}
