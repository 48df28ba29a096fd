/**
 * Whether two items are the same data, compared exactly in DynamoDB's own terms: numbers as the
 * decimals they are (`1.50` is `1.5`, never rounded through a float), sets as sets (any order),
 * lists in order, maps by their own keys (`__proto__` too), binary by its bytes. Used to tell an
 * SDK retry of a put that landed (the same item) from another item at the same key.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeMap } from './item-codec';

export function sameItem(a: AttributeMap, b: AttributeMap): boolean {
  return sameMap(a, b);
}

function sameMap(a: AttributeMap, b: AttributeMap): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key] as AttributeValue, b[key] as AttributeValue));
}

function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  if (a.S !== undefined) return a.S === b.S;
  if (a.N !== undefined) return b.N !== undefined && decimal(a.N) === decimal(b.N);
  if (a.BOOL !== undefined) return a.BOOL === b.BOOL;
  if (a.NULL !== undefined) return b.NULL !== undefined;
  if (a.M !== undefined) return b.M !== undefined && sameMap(a.M, b.M);
  if (a.L !== undefined) return b.L !== undefined && a.L.length === b.L.length && a.L.every((entry, index) => sameValue(entry, b.L?.[index] as AttributeValue));
  return sameSetOrBinary(a, b);
}

/** The sets (any order) and binary (by its bytes). */
function sameSetOrBinary(a: AttributeValue, b: AttributeValue): boolean {
  if (a.SS !== undefined) return b.SS !== undefined && sameSet(a.SS, b.SS);
  if (a.NS !== undefined) return b.NS !== undefined && sameSet(a.NS.map(decimal), b.NS.map(decimal));
  if (a.B !== undefined) return b.B !== undefined && bytes(a.B) === bytes(b.B);
  if (a.BS !== undefined) return b.BS !== undefined && sameSet(a.BS.map(bytes), b.BS.map(bytes));
  return false;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const members = new Set(a);
  const others = new Set(b);
  return members.size === others.size && [...members].every((member) => others.has(member));
}

/** Binary as base64, whether it came as bytes (from the SDK) or as base64 text (from the wire). */
function bytes(value: Uint8Array | string): string {
  return typeof value === 'string' ? value : Buffer.from(value).toString('base64');
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A number's one spelling: sign, significant digits without leading or trailing zeros, exponent. */
export function decimal(text: string): string {
  const match = DECIMAL.exec(text.trim());
  if (match === null) return text;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return text;
  const digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return '0';
  const significant = digits.replace(/0+$/, '');
  const scale = BigInt(exponent) - BigInt(fraction.length) + BigInt(digits.length - significant.length);
  return `${sign === '-' ? '-' : ''}${significant}e${scale}`;
}
