/**
 * How every command reports (docs/rules-as-code.md): a human summary, or with `--json` one JSON
 * document on stdout and nothing else (src/cli/shared/command.ts prints either); colours only on
 * a terminal, never with `--json`, never when NO_COLOR is set (https://no-color.org).
 */
import type { Io } from './io';
import { type Colours, type Printed, printed, proseLines, terminalColours } from './terminal-text';

export type { Colours } from './terminal-text';

export interface OutputOptions {
  json?: boolean;
}

export function coloursFor(io: Io, options: OutputOptions): Colours {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return terminalColours(io.isTTY && options.json !== true && !noColor);
}

/** An error nobody planned for: one line (the stack only with DEBUG set), never a wall of text. */
export function unexpectedErrorText(program: string, error: unknown, env: NodeJS.ProcessEnv): Printed {
  const debug = env.DEBUG !== undefined && env.DEBUG !== '';
  if (debug && error instanceof Error && error.stack) return proseLines(`${error.stack}\n`);
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? '';
  return printed`${program}: unexpected error: ${proseLines(firstLine)}${debug ? '' : ' (set DEBUG=1 for details)'}\n`;
}
