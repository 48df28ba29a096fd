/**
 * The one writer and reader of items whose maps are keyed by outside values: intake field names
 * (an audit item's `facts.custom_fields`) and task URLs (a grant's `holds`). Any string is a key
 * here, `__proto__`, `constructor` and `toString` included. lib-dynamodb's marshalling cannot
 * carry such keys: it refuses an object with a `constructor` key (unless told to take it as a
 * class instance), and both its marshall and its unmarshall build maps by assignment, so a
 * `__proto__` key becomes the map's prototype and is lost; a grant hold lost that way would let
 * the expiry sweeper remove access a live request still holds. Maps read back have no prototype,
 * so no key reads as an inherited member. The stored shape is DynamoDB's ordinary one, as the
 * document client writes it.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { StoreRejectedInputError } from '../kernel/errors';

export type AttributeMap = Record<string, AttributeValue>;
/** A map read back: no prototype, every key its own. */
export type ItemRecord = Record<string, unknown>;

/** DynamoDB nests documents at most 32 levels deep. */
const MAX_DEPTH = 32;

/** `item` as attribute values: every own enumerable key kept as data, `undefined` values left out (as the document client is set to). */
export function encodeItem(item: object): AttributeMap {
  return encodeMap(item, 0);
}

/** The item as values, each map (the item's own included) built with no prototype. */
export function decodeItem(item: AttributeMap): ItemRecord {
  return decodeMap(item);
}

function encodeMap(value: object, depth: number): AttributeMap {
  const map = Object.create(null) as AttributeMap;
  for (const key of Object.keys(value)) {
    const encoded = encodeValue((value as Record<string, unknown>)[key], depth + 1);
    if (encoded !== undefined) map[key] = encoded;
  }
  return map;
}

function encodeValue(value: unknown, depth: number): AttributeValue | undefined {
  if (depth > MAX_DEPTH) throw refused(`a value nested more than ${MAX_DEPTH} levels deep`);
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return { S: value };
    case 'boolean':
      return { BOOL: value };
    case 'number':
      return { N: numberText(value) };
    case 'bigint':
      return { N: value.toString() };
    case 'object':
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) return { L: value.filter((entry) => entry !== undefined).map((entry) => encodeValue(entry, depth + 1) as AttributeValue) };
      if (value instanceof Uint8Array) return { B: value };
      if (value instanceof Set) return encodeSet(value);
      return { M: encodeMap(value, depth) };
    default:
      throw refused(`a value of type ${typeof value}`);
  }
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw refused(`the number ${value}`);
  return String(value);
}

function encodeSet(set: Set<unknown>): AttributeValue {
  const members = [...set];
  if (members.length === 0) throw refused('an empty set');
  if (members.every((member) => typeof member === 'string')) return { SS: members as string[] };
  if (members.every((member) => typeof member === 'number')) return { NS: (members as number[]).map(numberText) };
  if (members.every((member) => member instanceof Uint8Array)) return { BS: members as Uint8Array[] };
  throw refused('a set mixing types, or of values DynamoDB has no set of');
}

const refused = (what: string) => new StoreRejectedInputError(`DynamoDB cannot hold ${what}`);

function decodeMap(map: AttributeMap): ItemRecord {
  const record = Object.create(null) as ItemRecord;
  // With no prototype, even "__proto__" is an ordinary own key on assignment.
  for (const key of Object.keys(map)) record[key] = decodeValue(map[key] as AttributeValue);
  return record;
}

function decodeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return decodeMap(value.M);
  if (value.L !== undefined) return value.L.map(decodeValue);
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(Number));
  if (value.B !== undefined) return value.B;
  if (value.BS !== undefined) return new Set(value.BS);
  throw new Error('DynamoDB returned an attribute value of a type this reader does not know');
}
