import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiLowerCase, normaliseEmail, sameEmail } from '../../../src/lumos/email';

const reference = (value: string) => value.trim().replace(/[A-Z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 32));

describe('email comparison, for any text', () => {
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
