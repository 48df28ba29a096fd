import { describe, expect, it } from 'vitest';
import { escapeIdentifier, escapeProse, joined, jsonText, printed, prose, quoted, terminalColours } from '../../../../src/cli/shared/terminal-text';

describe('12. text printed on a terminal', () => {
  it('12. shows every non-ASCII character of an identifier as an escape, so look-alikes and invisible ones stand out', () => {
    // Act / Assess
    expect(escapeIdentifier('pe\u200bter@lumos.com')).toBe('pe\\u{200b}ter@lumos.com');
    expect(escapeIdentifier('p\u0430ul@lumos.com')).toBe('p\\u{430}ul@lumos.com');
    expect(escapeIdentifier('on-call 🙂')).toBe('on-call \\u{1f642}');
    expect(escapeIdentifier('x\n\tRules: ESC\u001b[8m')).toBe('x\\u{a}\\u{9}Rules: ESC\\u{1b}[8m');
    // A backslash is doubled: a value holding "\u{1b}" as text never prints like one holding ESC.
    expect(escapeIdentifier('\\u{1b}')).toBe('\\\\u{1b}');
  });

  it('12. keeps the letters of free text and escapes controls, line breaks, bidi and zero-width characters', () => {
    // Act / Assess
    expect(escapeProse('Bitte die Schulung abschließen: 日本 🙂 — “ok”')).toBe('Bitte die Schulung abschließen: 日本 🙂 — “ok”');
    expect(escapeProse('a\u202eb\u200bc\u2028d\r\ne\u009b')).toBe('a\\u{202e}b\\u{200b}c\\u{2028}d\\u{d}\\u{a}e\\u{9b}');
  });

  it('12. escapes what is interpolated into a line, keeps the line’s own text, and colours after escaping', () => {
    // Prepare
    const c = terminalColours(true);
    // Act
    const line = c.red(printed`  → ${'app/x\n\u001b[8m'} (${prose('naïve\tmessage')}) [${joined(['a', 'b\u0007'], ', ')}] ${quoted('say "hi"')}`);
    // Assess
    expect(line.text).toBe('\u001b[31m  → app/x\\u{a}\\u{1b}[8m (naïve\\u{9}message) [a, b\\u{7}] "say \\"hi\\""\u001b[39m');
    expect(terminalColours(false).red(printed`${'x'}`).text).toBe('x');
  });

  it('12. writes JSON exactly, with C1 controls and bidi characters as \\u escapes', () => {
    // Act
    const text = jsonText({ id: 'x\u009b\u202e\u2028y', n: 1 }).text;
    // Assess
    expect(text).toBe('{\n  "id": "x\\u009b\\u202e\\u2028y",\n  "n": 1\n}');
    expect(JSON.parse(text)).toEqual({ id: 'x\u009b\u202e\u2028y', n: 1 });
  });
});
