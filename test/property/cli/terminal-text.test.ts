/**
 * Whatever a value holds, the CLIs print it as data (src/cli/shared/terminal-text.ts): no control,
 * escape, bidirectional or invisible character reaches a terminal, no value starts a line, two
 * different identifiers never print alike, and `--json` output parses back to the same value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeIdentifier, escapeProse, identifier, jsonText, printed, prose, terminalColours } from '../../../src/cli/shared/terminal-text';

/** What would act on a terminal or hide in it, listed independently of the module's own pattern. */
const ACTS_ON_A_TERMINAL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text an attacker would try: escape sequences, line breaks, bidi overrides, zero-width and look-alike letters, and our own escape syntax. */
const hostile = fc.constantFrom(
  '\u001b[8m',
  '\u001b[2J',
  '\u001b]8;;http://evil\u0007',
  '\u009b31m',
  '\n',
  '\r',
  '\t',
  '\u2028',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\u0430',
  '\\',
  '\\u{1b}',
  '\ud800',
  'Rules: 0 to add',
);
const anyText = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), hostile), { maxLength: 8 }).map((parts) => parts.join(''));

/** Reads an identifier as printed back into the value: the escaping is a code, not a loss. */
function decodeIdentifier(text: string): string {
  return text.replace(/\\\\|\\u\{([0-9a-f]+)\}/g, (_escape, hex: string | undefined) =>
    hex === undefined ? '\\' : String.fromCodePoint(Number.parseInt(hex, 16)),
  );
}

describe('12. terminal text is data, for any value', () => {
  it('12. prints an identifier in printable ASCII only, and two different identifiers differently', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        expect(escapeIdentifier(a)).toMatch(/^[\u0020-\u007e]*$/);
        expect(decodeIdentifier(escapeIdentifier(a))).toBe(a);
        if (a !== b) expect(escapeIdentifier(a)).not.toBe(escapeIdentifier(b));
      }),
      { numRuns: 3_000 },
    );
  });

  it('12. prints free text without a control, escape, line break, bidi or invisible character, every letter kept', () => {
    fc.assert(
      fc.property(anyText, fc.string({ unit: 'grapheme', maxLength: 20 }), (text, letters) => {
        expect(escapeProse(text)).not.toMatch(ACTS_ON_A_TERMINAL);
        const plainLetters = letters.replace(/[^\p{L}\p{N} ]|\p{Default_Ignorable_Code_Point}/gu, '');
        expect(escapeProse(plainLetters)).toBe(plainLetters);
      }),
      { numRuns: 3_000 },
    );
  });

  it('12. keeps a line one line whatever is interpolated, and lets only its own colours through', () => {
    const colours = terminalColours(true);
    fc.assert(
      fc.property(anyText, anyText, (id, message) => {
        const line = colours.red(printed`  + ${id}: ${prose(message)} ${identifier(id)}`).text;
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the program's own colour codes, the only escapes allowed.
        const withoutOwnColours = line.replace(/\u001b\[(31|39)m/g, '');
        expect(withoutOwnColours).not.toMatch(ACTS_ON_A_TERMINAL);
        expect(line.startsWith('\u001b[31m  + ')).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('12. writes --json output as exact JSON with nothing raw that a terminal would act on', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, anyText, fc.integer(), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
      list: fc.array(tie('value'), { maxLength: 4 }),
      map: fc.dictionary(anyText, tie('value'), { maxKeys: 4 }),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const text = jsonText(value).text;
        expect(JSON.parse(text)).toEqual(value);
        expect(text.replace(/\n/g, '')).not.toMatch(ACTS_ON_A_TERMINAL);
      }),
      { numRuns: 2_000 },
    );
  });
});
