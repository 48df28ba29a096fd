/** The CSV reader behind lumos-state's imports: RFC 4180 quoting, line numbers, and bounds. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../src/cli/state/import/csv';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and keeps the line each record starts on', () => {
    // Act
    const records = parseCsv('\uFEFFa,b\r\n"x,1","say ""hi""\nthere"\r\n\r\nlast,row');
    // Assess
    expect(records.map(({ line, fields }) => ({ line, fields }))).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x,1', 'say "hi"\nthere'] },
      { line: 5, fields: ['last', 'row'] },
    ]);
  });

  it('cuts a field past the bound and flags it, and flags a quote never closed', () => {
    // Act
    const [long] = parseCsv(`${'y'.repeat(5_000)},z`, 100);
    const [open] = parseCsv('"never closed,\nmore');
    // Assess
    expect(long?.oversized).toBe(true);
    expect(long?.fields[0]).toHaveLength(100);
    expect(open?.unterminated).toBe(true);
  });

  it('reads back whatever a writer quoting every field wrote', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ maxLength: 20 }), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows.map((row) => row.map((field) => `"${field.replaceAll('"', '""')}"`).join(',')).join('\r\n');
        expect(parseCsv(text, 1_000).map((record) => record.fields)).toEqual(rows);
      }),
    );
  });
});
