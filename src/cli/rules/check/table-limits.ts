/**
 * A rule file the rules table cannot hold, found before apply writes anything: an item over
 * DynamoDB's 400 KB (counted as DynamoDB counts it, with room for the `updated_by` and
 * `updated_at` apply adds), a key over its byte limit, a number DynamoDB or the document client
 * refuses, or maps and lists nested too deep. Apply would otherwise stop at that item.
 */
import { formatPath } from '../../../kernel/issue-path';
import { itemBytes, MAX_ITEM_BYTES, MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES, unstorableValues } from '../../../store/item-limits';
import type { ParsedDocument } from '../../shared/document';
import type { Finding } from '../../shared/finding';

/** `--by` (or git's user.email) is at most this long (src/cli/rules/table/who.ts). */
export const APPLIED_BY_MAX_CHARACTERS = 200;
/** An IAM ARN is at most 2,048 characters. */
const ARN_MAX_CHARACTERS = 2048;
/** The most `updated_by` (`<who> (<caller ARN>)`, a UTF-16 unit at most 3 UTF-8 bytes) and `updated_at` (ISO time) can add. */
export const STAMP_BYTES = itemBytes({
  updated_by: 'x'.repeat(3 * APPLIED_BY_MAX_CHARACTERS + ' ()'.length + ARN_MAX_CHARACTERS),
  updated_at: '2026-01-01T00:00:00.000Z',
});

const bytes = (count: number) => `${count.toLocaleString('en-US')} bytes`;

export function tableLimitProblems(file: string, item: Readonly<Record<string, unknown>>, document: ParsedDocument): Finding[] {
  const at = (path: (string | number)[], message: string): Finding => ({ file, path: formatPath(path), message, ...(document.locate(path) ?? {}) });
  const problems: Finding[] = [];
  const { updated_by: _by, updated_at: _at, ...written } = item;
  const size = itemBytes(written) + STAMP_BYTES;
  if (size > MAX_ITEM_BYTES) {
    problems.push(
      at(
        [],
        `the item is ${bytes(size)} as DynamoDB counts an item (the ${bytes(STAMP_BYTES)} apply may add for updated_by and updated_at included): more than the ${bytes(MAX_ITEM_BYTES)} (400 KB) a rules table item holds; shorten it, e.g. link to long notes instead of holding them`,
      ),
    );
  }
  for (const [key, limit, what] of [
    ['app_id', MAX_PARTITION_KEY_BYTES, 'partition key'],
    ['rule_id', MAX_SORT_KEY_BYTES, 'sort key'],
  ] as const) {
    const value = item[key];
    const length = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
    if (length > limit) problems.push(at([key], `${bytes(length)} in UTF-8: the rules table's ${what} holds at most ${bytes(limit)}`));
  }
  for (const found of unstorableValues(written)) problems.push(at(found.path, found.why));
  return problems;
}
