/**
 * Where a command reads its surroundings and writes its output. Commands take an `Io` rather
 * than touching `process`, so tests see exactly what a user would.
 */
import { createInterface } from 'node:readline/promises';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal: colours only then. */
  isTTY: boolean;
  /** Whether a person could answer a question (stdin) or see a progress bar (stderr). */
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Asks on the terminal (the question on stderr, so stdout stays the command's output) and resolves to the answer. */
  ask(question: string): Promise<string>;
  env: NodeJS.ProcessEnv;
  /** Relative paths on the command line, and in reports, are relative to this. */
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    ask: async (question) => {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await prompt.question(question);
      } finally {
        prompt.close();
      }
    },
    env: process.env,
    cwd: process.cwd(),
  };
}
