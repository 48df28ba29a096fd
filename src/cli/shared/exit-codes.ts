/**
 * The exit codes every lumos-rules command keeps (docs/rules-as-code.md): CI reads them, so they
 * mean the same for every command, present and future.
 */
export const EXIT = {
  /** The command ran and its answer is positive (no problems, every case passed). */
  ok: 0,
  /** The command ran and its answer is negative (problems found, a case failed), or it crashed. */
  negative: 1,
  /** Bad usage: an unknown option or command, a missing argument, a path that does not exist. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Warnings never fail a run, unless the user asked for `--strict`. */
export function exitCodeFor(outcome: { negative: boolean; warnings: number; strict: boolean }): ExitCode {
  return outcome.negative || (outcome.strict && outcome.warnings > 0) ? EXIT.negative : EXIT.ok;
}
