import { describe, expect, it } from 'vitest';
import { normaliseInstant } from '../../../src/store/iso-instant';

describe('ISO-8601 instants in state items', () => {
  it.each([
    ['2026-11-29T09:00:00Z', '2026-11-29T09:00:00.000Z'],
    ['2026-11-29T09:00:00.123456Z', '2026-11-29T09:00:00.123Z'],
    ['2026-11-29T09:00Z', '2026-11-29T09:00:00.000Z'],
    ['2026-11-29T10:00:00+01:00', '2026-11-29T09:00:00.000Z'],
    ['2026-11-29T04:30:00-0430', '2026-11-29T09:00:00.000Z'],
    ['2026-11-29 09:00:00z', '2026-11-29T09:00:00.000Z'],
    [' 2026-11-29T09:00:00Z ', '2026-11-29T09:00:00.000Z'],
    ['2026-11-30T00:00:00+14:00', '2026-11-29T10:00:00.000Z'],
  ])('reads %j as %s', (text, iso) => {
    expect(normaliseInstant(text)).toBe(iso);
  });

  it.each([
    '2026-11-29T09:00:00',
    '2026-11-29',
    'Nov 29 2026 09:00 GMT',
    '1795000000',
    '2026-02-31T00:00:00Z',
    '2026-11-29T24:00:00Z',
    '2026-11-29T09:00:00+15:00',
    '',
  ])('refuses %j', (text) => {
    expect(normaliseInstant(text)).toBeNull();
  });

  it.each([
    ['0026-11-29T09:00:00Z', 'year 26, which Date.UTC reads as 1926'],
    ['0999-12-31T23:59:59Z', 'a year before 1000'],
    ['2026-11-29T09:00:00+14:30', 'an offset beyond +14:00'],
    ['2026-11-29T09:00:00-14:01', 'an offset beyond -14:00'],
  ])('16.7 refuses %j (%s)', (text) => {
    expect(normaliseInstant(text)).toBeNull();
  });

  it('16.7 still reads the year 1000 and the widest real offsets', () => {
    expect(normaliseInstant('1000-01-01T00:00:00Z')).toBe('1000-01-01T00:00:00.000Z');
    expect(normaliseInstant('2026-11-29T09:00:00-12:00')).toBe('2026-11-29T21:00:00.000Z');
  });
});
