import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoreRejectedInputError } from '../../../src/kernel/errors';
import { decodeItem, encodeItem } from '../../../src/store/item-codec';
import { decimal, sameItem } from '../../../src/store/same-item';

// "__proto__" among them: an accessor of Object.prototype.
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

describe('16.11 the item codec', () => {
  it('keeps every Object.prototype name and "__proto__" as a key, read back into maps with no prototype', () => {
    // Prepare: a map as JSON.parse makes it (every key its own)
    const holds = JSON.parse(`{${PROTOTYPE_NAMES.map((name, index) => `${JSON.stringify(name)}: {"n": ${index}}`).join(',')}}`) as object;
    // Act
    const encoded = encodeItem({ pk: 'a', holds });
    const decoded = decodeItem(encoded);
    // Assess
    expect(Object.keys(encoded.holds?.M ?? {}).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    const read = decoded.holds as Record<string, { n: number }>;
    expect(Object.getPrototypeOf(decoded)).toBe(null);
    expect(Object.getPrototypeOf(read)).toBe(null);
    expect(Object.keys(read).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    expect(Object.getOwnPropertyDescriptor(read, '__proto__')?.value).toEqual({ n: PROTOTYPE_NAMES.indexOf('__proto__') });
  });

  it('reads back what it wrote, for any JSON value (undefined attributes left out)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ minLength: 1 })), fc.jsonValue({ maxDepth: 4 })), (item) => {
        const back = decodeItem(encodeItem(item));
        expect(JSON.stringify(sortedDeep(back))).toBe(JSON.stringify(sortedDeep(item)));
      }),
    );
  });

  it('refuses a value DynamoDB cannot hold as rejected input, never as an outage', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, new Set(), () => 1, Symbol('s')]) {
      expect(() => encodeItem({ value })).toThrow(StoreRejectedInputError);
    }
    let deep: unknown = 'leaf';
    for (let level = 0; level < 40; level += 1) deep = [deep];
    expect(() => encodeItem({ deep })).toThrow(StoreRejectedInputError);
  });
});

describe('16.10 comparing an item already there with the one written', () => {
  it('compares numbers as decimals, exactly', () => {
    expect(decimal('1.50')).toBe(decimal('1.5'));
    expect(decimal('100')).toBe(decimal('1E2'));
    expect(decimal('-0.0')).toBe(decimal('0'));
    expect(decimal('0.1')).not.toBe(decimal('0.10000000000000001'));
    expect(decimal('12345678901234567890123456789012345678')).not.toBe(decimal('12345678901234567890123456789012345679'));
  });

  it('takes the same data as the same item, sets in any order, and anything else as another item', () => {
    const item = encodeItem({ a: 'x', n: 1.5, list: [1, 'b'], tags: new Set(['p', 'q']), map: JSON.parse('{"__proto__": "v"}') });
    const wire = JSON.parse(JSON.stringify({ ...item, n: { N: '1.50' }, tags: { SS: ['q', 'p'] } })) as typeof item;
    expect(sameItem(item, wire)).toBe(true);
    expect(sameItem(item, { ...wire, a: { S: 'y' } })).toBe(false);
    expect(sameItem(item, { ...wire, extra: { NULL: true } })).toBe(false);
    expect(sameItem(item, { ...wire, map: { M: {} } })).toBe(false);
    expect(sameItem(item, { ...wire, list: { L: [{ S: 'b' }, { N: '1' }] } })).toBe(false);
    expect(sameItem(item, { ...wire, n: { S: '1.5' } })).toBe(false);
  });
});

/** The value as JSON would spell it with every map's keys in order (DynamoDB returns a map's keys in any order). */
function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => [key, sortedDeep((value as Record<string, unknown>)[key])]);
  return entries;
}
