/**
 * Text from a table, an audit item or a file, made safe to print on a terminal: control
 * characters (cursor moves, line erases, a bell), C1 controls and bidirectional overrides are
 * shown as `\u{…}` escapes, so a hostile rule id cannot rewrite or hide a line of a plan. Only the
 * colour codes this program itself adds (`ESC[<n>m`) pass through.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this pattern is for.
const UNSAFE = /\u001b(?!\[\d{1,3}m)|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, (character) => `\\u{${(character.codePointAt(0) ?? 0).toString(16)}}`);
}
