/** A person's email from the command line, normalised as the functions key it (src/lumos/email.ts). */
import { UsageError } from '../shared/usage-error';
import { checkEmail } from './import/cell-checks';

export function emailArgument(value: string): string {
  const checked = checkEmail(value);
  if (!checked.ok) throw new UsageError(`${JSON.stringify(value.slice(0, 200))}: ${checked.reason}`);
  return checked.value;
}
