/** A store failure while a command reads or writes the state table, as the CLI's one-line error. */
import type { TablesTarget } from '../../shared/table-target';
import { TargetError, targetError } from '../../shared/target-error';
import { UsageError } from '../../shared/usage-error';

export function stateTableError(error: unknown, what: string, target: TablesTarget): Error {
  if (error instanceof TargetError || error instanceof UsageError) return error;
  return targetError(error instanceof Error && error.cause !== undefined ? error.cause : error, `${what} the state table ${target.required}`, target.where);
}
