/**
 * Who applies, for `updated_by`: `--by`, else git's user.email; against AWS also the caller's
 * ARN, so a console audit and the rule agree on who it was.
 */
import { spawnSync } from 'node:child_process';
import { UsageError } from '../../shared/usage-error';
import { APPLIED_BY_MAX_CHARACTERS } from '../check/table-limits';
import type { RulesTables } from './rules-tables';

function gitEmail(cwd: string): string | undefined {
  const git = spawnSync('git', ['config', 'user.email'], { cwd, encoding: 'utf8' });
  const email = git.status === 0 ? git.stdout.trim() : '';
  return email === '' ? undefined : email;
}

export async function appliedBy(by: string | undefined, cwd: string, db: RulesTables): Promise<string> {
  const person = by?.trim() || gitEmail(cwd);
  if (person === undefined) throw new UsageError('who is applying? give --by NAME (or set git config user.email)');
  // Bounded, so check can keep room for it in every item (src/cli/rules/check/table-limits.ts).
  if (person.length > APPLIED_BY_MAX_CHARACTERS) throw new UsageError(`--by (or git's user.email): at most ${APPLIED_BY_MAX_CHARACTERS} characters`);
  const arn = await db.callerArn();
  return arn === undefined ? person : `${person} (${arn})`;
}
