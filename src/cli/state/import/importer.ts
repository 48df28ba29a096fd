/**
 * Who an import is recorded as: `--by`, else git's `user.email` (the person at this checkout),
 * one line of bounded text either way. Nobody at all is a usage error: an unattributed write to
 * who is on call is what the record exists to prevent.
 */
import { spawnSync } from 'node:child_process';
import { UsageError } from '../../shared/usage-error';

const MAX = 200;

export function importer(by: string | undefined, cwd: string): string {
  const given = by ?? gitUserEmail(cwd);
  const trimmed = given?.trim() ?? '';
  if (trimmed === '') throw new UsageError('--by WHO is required (git has no user.email here): the import records who made it');
  if (trimmed.length > MAX || /[\p{Cc}\u2028\u2029]/u.test(trimmed)) throw new UsageError(`--by: one line of at most ${MAX} characters`);
  return trimmed;
}

function gitUserEmail(cwd: string): string | undefined {
  const run = spawnSync('git', ['config', 'user.email'], { cwd, encoding: 'utf8', timeout: 5_000 });
  return run.status === 0 ? run.stdout : undefined;
}
