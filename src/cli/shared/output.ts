/**
 * How every lumos-rules command reports (docs/rules-as-code.md): a human summary, or with
 * `--json` one JSON document on stdout and nothing else; colours only on a terminal, never with
 * `--json`, never when NO_COLOR is set (https://no-color.org).
 */
import { createColors } from 'picocolors';
import type { ExitCode } from './exit-codes';
import type { Io } from './io';
import { printable } from './printable';

export type Colours = ReturnType<typeof createColors>;

/** What a command hands back; the caller writes it and exits with its code. */
export interface CommandReport {
  exitCode: ExitCode;
  /** The `--json` document. */
  json: unknown;
  /** The human report, one entry per line. */
  human(colours: Colours): string[];
}

export interface OutputOptions {
  json?: boolean;
}

export function coloursFor(io: Io, options: OutputOptions): Colours {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return createColors(io.isTTY && options.json !== true && !noColor);
}

export function writeReport(io: Io, report: CommandReport, options: OutputOptions): ExitCode {
  if (options.json === true) io.stdout(`${JSON.stringify(report.json, null, 2)}\n`);
  else
    io.stdout(
      report
        .human(coloursFor(io, options))
        .map((line) => `${printable(line)}\n`)
        .join(''),
    );
  return report.exitCode;
}

/** An error nobody planned for: one line (the stack only with DEBUG set), never a wall of text. */
export function unexpectedErrorText(program: string, error: unknown, env: NodeJS.ProcessEnv): string {
  const debug = env.DEBUG !== undefined && env.DEBUG !== '';
  if (debug && error instanceof Error && error.stack) return `${error.stack}\n`;
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? '';
  return `${program}: unexpected error: ${firstLine}${debug ? '' : ' (set DEBUG=1 for details)'}\n`;
}
