/**
 * How every lumos-rules command reports (docs/rules-as-code.md): a human summary, or with
 * `--json` one JSON document on stdout and nothing else; colours only on a terminal, never with
 * `--json`, never when NO_COLOR is set (https://no-color.org).
 */
import type { ExitCode } from './exit-codes';
import type { Io } from './io';
import { type Colours, jsonText, linesText, type Printed, printed, proseLines, terminalColours } from './terminal-text';

export type { Colours } from './terminal-text';

/** What a command hands back; the caller writes it and exits with its code. */
export interface CommandReport {
  exitCode: ExitCode;
  /** The `--json` document. */
  json: unknown;
  /** The human report, one entry per line, every value in it escaped (src/cli/shared/terminal-text.ts). */
  human(colours: Colours): Printed[];
}

export interface OutputOptions {
  json?: boolean;
}

export function coloursFor(io: Io, options: OutputOptions): Colours {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return terminalColours(io.isTTY && options.json !== true && !noColor);
}

export function writeReport(io: Io, report: CommandReport, options: OutputOptions): ExitCode {
  io.stdout(options.json === true ? linesText([jsonText(report.json)]) : linesText(report.human(coloursFor(io, options))));
  return report.exitCode;
}

/** An error nobody planned for: one line (the stack only with DEBUG set), never a wall of text. */
export function unexpectedErrorText(program: string, error: unknown, env: NodeJS.ProcessEnv): Printed {
  const debug = env.DEBUG !== undefined && env.DEBUG !== '';
  if (debug && error instanceof Error && error.stack) return proseLines(`${error.stack}\n`);
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? '';
  return printed`${program}: unexpected error: ${proseLines(firstLine)}${debug ? '' : ' (set DEBUG=1 for details)'}\n`;
}
