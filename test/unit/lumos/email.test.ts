import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiLowerCase, emailProblem, normaliseEmail, sameEmail } from '../../../src/lumos/email';

const reference = (value: string) => value.trim().replace(/[A-Z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 32));

describe('email comparison', () => {
  it.each([
    ['PeterParker@Lumos.com', ' peterparker@lumos.com ', true],
    // U+212A KELVIN SIGN lower-cases to "k" with toLowerCase(): two people would compare equal.
    ['peterpar\u212Aer@lumos.com', 'peterparker@lumos.com', false],
    // U+0130 (İ) lower-cases to "i" plus a combining dot; ß and ẞ, Σ and σ likewise stay apart.
    ['\u0130nes@x.com', 'i\u0307nes@x.com', false],
    ['stra\u1E9Ee@x.com', 'stra\u00DFe@x.com', false],
    ['\u00C9mile@x.com', '\u00E9mile@x.com', false],
  ])('%j and %j are the same person: %s', (a, b, same) => {
    expect(sameEmail(a, b)).toBe(same);
  });

  it('compares arbitrary strings equal only when their ASCII-lower-cased, trimmed forms are', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const lookalike = fc.constantFrom('k', 'K', '\u212A', 'i', 'I', '\u0130', 's', 'S', '\u017F', '@', ' ');
    const email = fc.array(fc.oneof(text, lookalike), { maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(email, email, (a, b) => {
        expect(sameEmail(a, b)).toBe(reference(a) === reference(b));
        expect(normaliseEmail(a)).toBe(reference(a));
      }),
      { numRuns: 5_000 },
    );
  });

  it('folds nothing but ASCII letters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const folded = asciiLowerCase(value);
        expect(folded.length).toBe(value.length);
        for (let index = 0; index < value.length; index += 1) {
          const original = value.charCodeAt(index);
          const expected = original >= 65 && original <= 90 ? original + 32 : original;
          expect(folded.charCodeAt(index)).toBe(expected);
        }
      }),
    );
  });
});

describe('well-formed addresses', () => {
  it.each(['peterparker@lumos.com', 'a@b', 'o\u2019brien@example.ie', 'peterpar\u212Aer@lumos.com', 'team#ops@lumos.com'])('accepts %j', (email) => {
    expect(emailProblem(email)).toBeNull();
  });

  it.each([
    ['peterparker', 'no "@"'],
    ['a@b@c', 'more than one "@"'],
    ['@lumos.com', 'nothing before or after'],
    ['peter@', 'nothing before or after'],
    ['peter parker@lumos.com', 'whitespace or a control character'],
    ['peter\tparker@lumos.com', 'whitespace or a control character'],
    ['peter\u0000@lumos.com', 'whitespace or a control character'],
    ['peter\u0085@lumos.com', 'whitespace or a control character'],
    ['peter@lumos.com\u2028', 'whitespace or a control character'],
    ['peter\u00A0parker@lumos.com', 'whitespace or a control character'],
    // bob@corp.com#db + "admin" and bob@corp.com + "db#admin" would share the grant key.
    ['bob@corp.com#db', '"#", "/", "?" or "\\" in the domain'],
    ['bob@corp.com/x', '"#", "/", "?" or "\\" in the domain'],
  ])('refuses %j (%s)', (email, problem) => {
    expect(emailProblem(email)).toContain(problem);
  });
});
