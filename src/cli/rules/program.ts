/**
 * The `lumos-rules` program: its commands, and the one place where what went wrong becomes an
 * exit code (docs/rules-as-code.md): 0 done, 1 a negative answer or an unexpected error, 2 bad usage.
 */
import { Command, CommanderError } from 'commander';
import type { DefineCommand } from '../shared/command-context';
import { EXIT, type ExitCode } from '../shared/exit-codes';
import type { Io } from '../shared/io';
import { unexpectedErrorText } from '../shared/output';
import { printable } from '../shared/printable';
import { TargetError } from '../shared/target-error';
import { UsageError } from '../shared/usage-error';
import { defineApply } from './commands/apply';
import { defineCheck } from './commands/check';
import { defineExplain } from './commands/explain';
import { defineExport } from './commands/export';
import { definePlan } from './commands/plan';
import { defineTest } from './commands/test';

/** Every command, in the order `--help` lists them. */
const COMMANDS: readonly DefineCommand[] = [defineCheck, defineTest, defineExplain, definePlan, defineApply, defineExport];

export async function runLumosRules(args: readonly string[], io: Io, version: string): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const program = new Command('lumos-rules')
    .description(
      'Rules as code for the Lumos webhook receiver: check and test rule files, explain a decision, plan (with a replay of past decisions) and apply them to the rules table, export the table.',
    )
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
      io.stderr(`lumos-rules: ${printable(error.message)}\n`);
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
