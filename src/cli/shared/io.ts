/**
 * Where a command reads its surroundings and writes its output. Commands take an `Io` rather
 * than touching `process`, so tests see exactly what a user would.
 */
import { createInterface } from 'node:readline/promises';
import type { Printed } from './terminal-text';

/** Everything written is `Printed`: values in it already escaped (src/cli/shared/terminal-text.ts). */
export interface Io {
  stdout(text: Printed): void;
  stderr(text: Printed): void;
  /** Whether stdout is a terminal: colours only then. */
  isTTY: boolean;
  /** Whether a person could answer a question (stdin) or see a progress bar (stderr). */
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Asks on the terminal (the question on stderr, so stdout stays the command's output) and resolves to the answer. */
  ask(question: Printed): Promise<string>;
  env: NodeJS.ProcessEnv;
  /** Relative paths on the command line, and in reports, are relative to this. */
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text.text),
    stderr: (text) => process.stderr.write(text.text),
    isTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    ask: async (question) => {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await prompt.question(question.text);
      } finally {
        prompt.close();
      }
    },
    env: process.env,
    cwd: process.cwd(),
  };
}
