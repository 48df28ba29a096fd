/** `--at TIME`: an ISO-8601 instant with a zone, as state items hold them; none when not given (the command takes now). */
import { UsageError } from '../shared/usage-error';
import { checkInstant } from './import/cell-checks';

export function atOption(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const checked = checkInstant(value, '--at');
  if (!checked.ok) throw new UsageError(`--at ${JSON.stringify(value.slice(0, 60))}: ${checked.reason}`);
  return checked.value;
}
