/**
 * How two emails are compared, everywhere: payload subjects, rule values, state keys and
 * importers (docs/contract.md, "Parsing rules"). Only ASCII letters are folded: `toLowerCase()` turns
 * U+212A KELVIN SIGN into `k`, so `peterpar\u212Aer@…` would be taken for `peterparker@…`.
 */

/** ASCII letters lower-cased; every other character stays as sent. */
export function asciiLowerCase(value: string): string {
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** The form emails are stored, keyed and compared in: trimmed, ASCII letters lower-cased. */
export function normaliseEmail(value: string): string {
  return asciiLowerCase(value.trim());
}

export function sameEmail(a: string, b: string): boolean {
  return normaliseEmail(a) === normaliseEmail(b);
}

// Whitespace (any Unicode space) and control characters (C0, DEL, C1, line/paragraph separators).
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}\u2028\u2029]/u;
// Characters that print as nothing or are not characters at all: format (zero-width, bidi
// controls), default-ignorable (fillers, variation selectors), private-use, unassigned and
// lone surrogates. `a\u200Bdmin@…` would print as `admin@…` and be another person's key.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Co}\p{Cn}\p{Cs}]/u;

/**
 * Why a (normalised) address is not usable as a person's identity, or null when it is: exactly
 * one `@` with text on both sides, and no whitespace, control or invisible character anywhere.
 */
export function emailProblem(email: string): string | null {
  const parts = email.split('@');
  if (parts.length !== 2) return parts.length === 1 ? 'not an email address: no "@"' : 'not an email address: more than one "@"';
  if (!parts[0] || !parts[1]) return 'not an email address: nothing before or after "@"';
  if (WHITESPACE_OR_CONTROL.test(email)) return 'not an email address: whitespace or a control character inside';
  if (INVISIBLE.test(email)) return 'not an email address: an invisible or format character inside (zero-width, bidi, filler)';
  // "#" ends the email in keys such as `<email>#<permission>`: in the domain it would let two people's keys collide.
  if (/[#/?\\]/.test(parts[1])) return 'not an email address: "#", "/", "?" or "\\" in the domain';
  return null;
}

/** The domain part of a normalised, well-formed address. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}
