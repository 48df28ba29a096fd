/**
 * How every command of every CLI is laid out: commander declares its arguments and options;
 * `options` turns what commander parsed into the command's typed options (bad usage throws a
 * UsageError); `run(options, deps)` does the command's work and returns its result, printing
 * nothing and asking nothing of the terminal; `print` shows the result as lines or as the
 * `--json` document; the exit code comes from the result. `defineCommand` wires the four onto
 * a program, so a test calls `run` and `print` without one.
 */
import type { Command } from 'commander';
import type { DefineCommand } from './command-context';
import type { ExitCode } from './exit-codes';
import type { Io } from './io';
import { coloursFor } from './output';
import { type Colours, jsonText, linesText, type Printed } from './terminal-text';

/** What `run` gets from outside besides its options. */
export interface CommandDeps {
  /** Relative paths on the command line are relative to this; git is asked here for who runs it. */
  cwd: string;
  /** The command's clock: called where the command takes "now". */
  now(): Date;
}

/** A result as the terminal shows it (every line `Printed`), or as the `--json` document. */
export interface ResultPrinter<Result> {
  json(result: Result): unknown;
  human(result: Result, colours: Colours): Printed[];
  /** Lines for stderr whatever the mode (an item the command left alone, and why), each ending in a newline. */
  notices?(result: Result): Printed[];
}

export type PrintMode = { json: true } | { json: false; colours: Colours };

export function print<Result>(printer: ResultPrinter<Result>, result: Result, mode: PrintMode): Printed {
  return mode.json ? linesText([jsonText(printer.json(result))]) : linesText(printer.human(result, mode.colours));
}

/** `--json`, else lines coloured only on a terminal and without NO_COLOR. */
function printMode(io: Io, json: boolean): PrintMode {
  return json ? { json: true } : { json: false, colours: coloursFor(io, { json }) };
}

/**
 * One command. `Parsed` is what commander hands the action: the declared arguments in order,
 * then the option values.
 */
export interface CliCommand<Parsed extends unknown[], Options, Result, Deps extends CommandDeps = CommandDeps> {
  declare(program: Command): Command;
  /**
   * Commander's values as the command's options. Touches the terminal only to refuse what cannot
   * work on it (a question nobody can answer) or to name a deprecated flag on stderr.
   */
  options(parsed: Parsed, io: Io): Options;
  /** What `run` needs of the terminal beyond `CommandDeps` (a question to ask, a progress bar): only for commands that do. */
  deps?(io: Io, options: Options): Deps;
  run(options: Options, deps: Deps): Promise<Result>;
  print: ResultPrinter<Result>;
  exitCode(result: Result): ExitCode;
}

/** The deps of a command run from a terminal: its working folder, and the system clock. */
export const processDeps = (io: Io): CommandDeps => ({ cwd: io.cwd, now: () => new Date() });

export function defineCommand<Parsed extends unknown[], Options, Result, Deps extends CommandDeps>(
  command: CliCommand<Parsed, Options, Result, Deps>,
): DefineCommand {
  return (program, { io, finish }) => {
    command.declare(program).action(async (...values: unknown[]) => {
      const parsed = values.slice(0, -1) as Parsed;
      const flags = parsed[parsed.length - 1] as { json?: boolean };
      const options = command.options(parsed, io);
      // Only commands that declare their own deps say which; the others get exactly CommandDeps.
      const deps = command.deps === undefined ? (processDeps(io) as Deps) : command.deps(io, options);
      const result = await command.run(options, deps);
      for (const notice of command.print.notices?.(result) ?? []) io.stderr(notice);
      io.stdout(print(command.print, result, printMode(io, flags.json === true)));
      finish(command.exitCode(result));
    });
  };
}
