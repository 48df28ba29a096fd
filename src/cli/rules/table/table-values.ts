/**
 * What a rule item read from the table may hold that a rule file cannot: a DynamoDB set, or a
 * number beyond a double's precision (`NumberValue`). Plan shows them as they are; export names
 * them instead of writing something else.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { formatPath } from '../../../kernel/issue-path';

/** An object literal's shape (a map), not a Set, a NumberValue or another class's instance. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** For printing: sets as sorted lists, exact numbers by their digits (as text). */
export function displayJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner instanceof NumberValue) return inner.value;
    if (inner instanceof Set) return [...inner].sort();
    if (typeof inner === 'bigint') return inner.toString();
    return inner;
  });
}

/** Where in the item a value sits that no rule file can hold, and what it is. */
export function unrepresentable(value: unknown, path: (string | number)[] = []): { path: string; what: string }[] {
  if (value instanceof NumberValue) return [{ path: formatPath(path), what: `the number ${value.value}, beyond JavaScript's precision` }];
  if (value instanceof Set) return [{ path: formatPath(path), what: 'a DynamoDB set' }];
  if (Array.isArray(value)) return value.flatMap((inner, index) => unrepresentable(inner, [...path, index]));
  if (isPlainRecord(value)) return Object.entries(value).flatMap(([key, inner]) => unrepresentable(inner, [...path, key]));
  return [];
}
