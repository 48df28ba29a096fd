/**
 * Who applies, for `updated_by`: `--by`, else git's user.email; against AWS also the caller's
 * ARN, so a console audit and the rule agree on who it was.
 */
import { spawnSync } from 'node:child_process';
import { UsageError } from '../../shared/usage-error';
import type { Target } from './target';

function gitEmail(cwd: string): string | undefined {
  const git = spawnSync('git', ['config', 'user.email'], { cwd, encoding: 'utf8' });
  const email = git.status === 0 ? git.stdout.trim() : '';
  return email === '' ? undefined : email;
}

export async function appliedBy(by: string | undefined, cwd: string, target: Target): Promise<string> {
  const person = by?.trim() || gitEmail(cwd);
  if (person === undefined) throw new UsageError('who is applying? give --by NAME (or set git config user.email)');
  const arn = await target.callerArn();
  return arn === undefined ? person : `${person} (${arn})`;
}
