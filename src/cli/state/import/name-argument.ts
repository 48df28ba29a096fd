/** A schedule or course name from the command line: the text rules name it by, one line, bounded. */
import { UsageError } from '../../shared/usage-error';

const MAX = 200;

export function nameArgument(value: string | undefined, flag: string): string {
  const name = value ?? '';
  if (name.trim() === '') throw new UsageError(`${flag} NAME is required`);
  if (name !== name.trim() || name.length > MAX || /[\p{Cc}\u2028\u2029]/u.test(name)) {
    throw new UsageError(`${flag} ${JSON.stringify(name.slice(0, MAX))}: one line of at most ${MAX} characters, no surrounding spaces`);
  }
  return name;
}
