/**
 * What every command-line program here shares (lumos-rules, lumos-state): its commands on a
 * commander program, and the one place where what went wrong becomes an exit code
 * (docs/rules-as-code.md): 0 done, 1 a negative answer, a table that cannot be used or an
 * unexpected error, 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { DefineCommand } from './command-context';
import { EXIT, type ExitCode } from './exit-codes';
import { type Io, processIo } from './io';
import { unexpectedErrorText } from './output';
import { TableError } from './table-error';
import { printed, prose, proseLines } from './terminal-text';
import { UsageError } from './usage-error';

export interface ProgramSpec {
  name: string;
  description: string;
  /** In the order `--help` lists them. */
  commands: readonly DefineCommand[];
}

export async function runProgram(spec: ProgramSpec, args: readonly string[], io: Io, version: string): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const program = new Command(spec.name)
    .description(spec.description)
    .version(version)
    .configureOutput({ writeOut: (text) => io.stdout(proseLines(text)), writeErr: (text) => io.stderr(proseLines(text)) })
    .showSuggestionAfterError(true)
    .exitOverride();
  for (const define of spec.commands) define(program, { io, finish: (code) => (exitCode = code) });

  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has already printed its message (an unknown option, a missing argument; or the help).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof TableError) {
      io.stderr(printed`${spec.name}: ${prose(error.message)}\n`);
      return EXIT.negative;
    }
    if (error instanceof UsageError) {
      io.stderr(printed`error: ${prose(error.message)}\n`);
      return EXIT.usage;
    }
    io.stderr(unexpectedErrorText(spec.name, error, io.env));
    return EXIT.negative;
  }
}

/** The program as its bin runs it (bin/<name>.cjs, under tsx): this process's arguments, output and exit code. */
export function runMain(spec: ProgramSpec): void {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  // A reader that stops early (`… | head`) is not a failure of the command.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(unexpectedErrorText(spec.name, error, process.env).text);
    process.exit(error.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
  });
  runProgram(spec, process.argv.slice(2), processIo(), version).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(unexpectedErrorText(spec.name, error, process.env).text);
      process.exitCode = 1;
    },
  );
}
