/**
 * What DynamoDB refuses to hold, computed before anything is written, so a rule file the table
 * cannot take is a problem `lumos-rules check` names instead of a write that fails half-way
 * through `apply`. The size follows the developer guide's "Item sizes and formats", rounded up
 * wherever the guide says "approximately": a value computed here is never below DynamoDB's.
 */

/** 400 KB: the largest item DynamoDB stores, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** The partition key's value, in UTF-8 bytes. */
export const MAX_PARTITION_KEY_BYTES = 2048;
/** The sort key's value, in UTF-8 bytes. */
export const MAX_SORT_KEY_BYTES = 1024;
/** Levels of an attribute, its own counted: a map or list may sit at most 31 levels below the top. */
export const MAX_NESTING = 32;

/** The smallest non-zero magnitude DynamoDB's Number holds. */
const SMALLEST_NUMBER = 1e-130;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The item's size as DynamoDB counts it towards 400 KB (an upper bound where the guide gives an approximation). */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) if (value !== undefined) total += utf8Bytes(name) + valueBytes(value);
  return total;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberBytes(String(value));
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce<number>((sum, member) => sum + valueBytes(member), 0);
  if (isNumberValue(value)) return numberBytes(value.value);
  // Lists and maps: 3 bytes of their own, and one more for each element.
  if (Array.isArray(value)) return value.reduce<number>((sum, element) => sum + 1 + valueBytes(element), 3);
  if (typeof value === 'object') {
    let sum = 3;
    for (const [name, inner] of Object.entries(value)) if (inner !== undefined) sum += 1 + utf8Bytes(name) + valueBytes(inner);
    return sum;
  }
  return 0;
}

/**
 * The guide: one byte per two significant digits, and one more. DynamoDB pairs digits from the
 * decimal point, so an odd start costs a byte more (1.5 is two bytes of digits), and a negative
 * number one more again: counted here so the total is never short.
 */
function numberBytes(text: string): number {
  const mantissa = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '');
  const significant = mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
  return Math.ceil(Math.max(significant, 1) / 2) + 2 + (text.startsWith('-') ? 1 : 0);
}

/** lib-dynamodb's NumberValue (an exact number read from a table), without importing it here. */
function isNumberValue(value: unknown): value is { value: string } {
  return typeof value === 'object' && value !== null && value.constructor?.name === 'NumberValue' && typeof (value as { value?: unknown }).value === 'string';
}

/** A value DynamoDB refuses inside an item, and where (`when.all[0]`), or none. */
export interface UnstorableValue {
  path: (string | number)[];
  why: string;
}

/**
 * What the document client or DynamoDB refuses inside an item, each once, outermost first:
 * numbers that are not finite, integers beyond 2^53 (the client will not round them),
 * magnitudes below 1E-130, empty attribute names, and maps or lists nested too deep.
 */
export function unstorableValues(item: Readonly<Record<string, unknown>>): UnstorableValue[] {
  const found: UnstorableValue[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (name === '') found.push({ path: [], why: 'an empty attribute name, which DynamoDB refuses' });
    else visit(value, [name], 1, found);
  }
  return found;
}

/** Adds to `found` what the value at `path` holds that DynamoDB refuses; `level` counts the value's own. */
function visit(value: unknown, path: (string | number)[], level: number, found: UnstorableValue[]): void {
  if (typeof value === 'number') {
    const why = numberProblem(value);
    if (why !== null) found.push({ path, why });
    return;
  }
  if (!isListOrMap(value)) return;
  if (level >= MAX_NESTING) {
    found.push({ path, why: `lists and maps nested deeper than DynamoDB's ${MAX_NESTING} levels` });
    return;
  }
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((inner, index) => [index, inner]) : Object.entries(value);
  for (const [key, inner] of entries) {
    if (key === '') found.push({ path, why: 'an empty attribute name, which DynamoDB refuses' });
    else visit(inner, [...path, key], level + 1, found);
  }
}

function numberProblem(value: number): string | null {
  const magnitude = Math.abs(value);
  if (!Number.isFinite(value)) return `${String(value)} is not a number DynamoDB holds`;
  if (magnitude > Number.MAX_SAFE_INTEGER) return `${String(value)} is beyond 2^53, where numbers are no longer exact: write it as text`;
  if (magnitude !== 0 && magnitude < SMALLEST_NUMBER) return `${String(value)} is smaller than the smallest number DynamoDB holds (1E-130)`;
  return null;
}

/** A list or a map: not a set or binary, which DynamoDB holds as one value. */
function isListOrMap(value: unknown): value is unknown[] | Record<string, unknown> {
  return Array.isArray(value) || (typeof value === 'object' && value !== null && !(value instanceof Set) && !(value instanceof Uint8Array));
}
