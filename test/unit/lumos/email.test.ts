import { describe, expect, it } from 'vitest';
import { emailProblem, sameEmail } from '../../../src/lumos/email';

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

  it.each([
    ['a\u200Bdmin@lumos.com', 'zero-width space'],
    ['admin@lumos.com\u200D', 'zero-width joiner'],
    ['\u2066admin@lumos.com', 'bidi isolate'],
    ['admin\u202E@lumos.com', 'right-to-left override'],
    ['ad\u00ADmin@lumos.com', 'soft hyphen'],
    ['admin\uFE0F@lumos.com', 'variation selector'],
    ['ad\u3164min@lumos.com', 'Hangul filler'],
    ['admin\uE000@lumos.com', 'private use'],
    ['admin\uD800@lumos.com', 'lone surrogate'],
  ])('16.7 refuses %j: an invisible character (%s) would print as another person', (email) => {
    expect(emailProblem(email)).toContain('an invisible or format character');
  });
});
