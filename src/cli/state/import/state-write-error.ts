/** A store failure while a command reads or writes the state table, as the CLI's one-line error. */
import type { OpenTables } from '../../shared/open-tables';
import { TableError, tableError } from '../../shared/table-error';
import { UsageError } from '../../shared/usage-error';

export function stateTableError(error: unknown, what: string, db: OpenTables): Error {
  if (error instanceof TableError || error instanceof UsageError) return error;
  return tableError(error instanceof Error && error.cause !== undefined ? error.cause : error, `${what} the state table ${db.required}`, db.where);
}
