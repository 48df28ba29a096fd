/**
 * A CSV import file's rows under its header: the header must name the expected columns (in any
 * order, any case; optional ones may be missing), each row must have as many fields as the
 * header. A row that does not is rejected with its line; the rest are handed on by column name.
 */
import { UsageError } from '../../shared/usage-error';
import { parseCsv } from './csv';
import type { Rejection } from './rejection';

export interface CsvRow {
  line: number;
  cells: Record<string, string>;
}

export function csvTable(file: string, text: string, required: readonly string[], optional: readonly string[] = []): { rows: CsvRow[]; rejected: Rejection[] } {
  const [header, ...records] = parseCsv(text);
  const expected = [...required, ...optional.map((column) => `[${column}]`)].join(',');
  if (header === undefined) throw new UsageError(`${file}: empty; expected a header row ${expected}`);
  const columns = header.fields.map((field) => field.trim().toLowerCase());
  const unknown = columns.filter((column) => !required.includes(column) && !optional.includes(column));
  const missing = required.filter((column) => !columns.includes(column));
  if (unknown.length > 0 || missing.length > 0 || new Set(columns).size !== columns.length) {
    throw new UsageError(`${file}: the header row must be ${expected} (found ${JSON.stringify(header.fields.join(',').slice(0, 200))})`);
  }
  const rows: CsvRow[] = [];
  const rejected: Rejection[] = [];
  for (const record of records) {
    const value = record.fields.join(',');
    if (record.unterminated) rejected.push({ line: record.line, value, reason: 'a quoted field is never closed' });
    else if (record.oversized) rejected.push({ line: record.line, value, reason: 'a field longer than 1,000 characters' });
    else if (record.fields.length !== columns.length)
      rejected.push({ line: record.line, value, reason: `${record.fields.length} fields where the header has ${columns.length}` });
    else rows.push({ line: record.line, cells: Object.fromEntries(columns.map((column, index) => [column, record.fields[index] ?? ''])) });
  }
  return { rows, rejected };
}
