/** What a lumos-rules command writes, kept: an Io as the CLI tests hand it to the program. */
import type { Io } from '../../src/cli/shared/io';

/** An Io over `cwd` that keeps what was written. */
export function recordingIo(cwd: string, overrides: Partial<Io> = {}): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text.text;
    },
    stderr: (text) => {
      err += text.text;
    },
    isTTY: false,
    stdinIsTTY: false,
    stderrIsTTY: false,
    ask: async () => '',
    env: {},
    cwd,
    ...overrides,
    out: () => out,
    err: () => err,
  };
}
