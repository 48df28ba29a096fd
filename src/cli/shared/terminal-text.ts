/**
 * Text a command writes to a terminal, built so that a value from a table, a file or an outside
 * API is only ever data: it cannot start a line, move the cursor, hide or recolour text, or
 * reorder what follows (docs/rules-as-code.md, "Output"). Every write goes through `Printed`,
 * which only this module makes:
 *
 * - `printed\`…${value}…\`` keeps the template's own text and escapes every interpolated
 *   string as an identifier; a `Printed` interpolated is kept as it is (already escaped).
 * - `identifier(value)`: emails, ids, keys, schedule and course names. Every character outside
 *   printable ASCII, and the backslash, is written as `\u{…}` (`\\`), so two different values
 *   never print alike, and a look-alike or invisible character shows as what it is.
 * - `prose(value)`: messages, descriptions, reasons. Letters of every script stay; controls
 *   (newlines and tabs too), format characters (zero-width, bidirectional marks and overrides),
 *   line separators, surrogates, private-use, unassigned and other invisible characters are
 *   written as `\u{…}`.
 *
 * Colours are the program's own, applied to text already escaped (`terminalColours`).
 */
import { createColors } from 'picocolors';

/**
 * Text safe to write to a terminal. The class is not exported and its private field makes the
 * type nominal: other modules get one only from `printed`, `identifier`, `prose` or a colour.
 */
class PrintedText {
  declare private readonly nominal: never;

  constructor(readonly text: string) {}
}

export type Printed = PrintedText;

/** What a template may interpolate: text from anywhere (escaped as an identifier), a number, or text already printed. */
export type Shown = Printed | string | number | bigint;

const escaped = (character: string): string => `\\u{${(character.codePointAt(0) ?? 0).toString(16)}}`;

/** Anything but printable ASCII, and the backslash (so an escape in the value cannot pass for one of ours). */
const NOT_PLAIN_ASCII = /[^\u0020-\u005b\u005d-\u007e]/gu;

/**
 * Controls (C0, DEL, C1), format characters, line and paragraph separators, lone surrogates,
 * private-use and unassigned code points, and the other default-ignorable (invisible) ones.
 */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}]/gu;

/** An identifier as shown: printable ASCII as is, `\` as `\\`, every other character as `\u{…}`. */
export function escapeIdentifier(value: string): string {
  return value.replace(NOT_PLAIN_ASCII, (character) => (character === '\\' ? '\\\\' : escaped(character)));
}

/** Free text as shown: every script kept; controls, format, separator and invisible characters as `\u{…}`. */
export function escapeProse(value: string): string {
  return value.replace(INVISIBLE_OR_CONTROL, escaped);
}

/**
 * An identifier as a person copies it from the output back onto the command line: `\u{…}` and
 * `\\` read back into the characters they stand for, anything else as typed.
 */
export function readIdentifier(text: string): string {
  return text.replace(/\\\\|\\u\{([0-9a-fA-F]{1,6})\}/g, (sequence, hex: string | undefined) => {
    if (hex === undefined) return '\\';
    const codePoint = Number.parseInt(hex, 16);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : sequence;
  });
}

export const identifier = (value: string): Printed => new PrintedText(escapeIdentifier(value));
/** An identifier in double quotes, a quote inside it as `\"`: where it starts and ends stays plain. */
export const quoted = (value: string): Printed => new PrintedText(`"${escapeIdentifier(value).replace(/"/g, '\\"')}"`);
export const prose = (value: string): Printed => new PrintedText(escapeProse(value));

function shown(value: Shown): string {
  if (value instanceof PrintedText) return value.text;
  if (typeof value === 'string') return escapeIdentifier(value);
  return escapeIdentifier(String(value));
}

/** The template's text as written, each interpolation escaped (strings as identifiers) unless already `Printed`. */
export function printed(template: TemplateStringsArray, ...values: readonly Shown[]): Printed {
  let text = template[0] ?? '';
  values.forEach((value, index) => {
    text += shown(value) + (template[index + 1] ?? '');
  });
  return new PrintedText(text);
}

/** Parts joined by a separator of the program's own. */
export function joined(parts: readonly Shown[], separator: string): Printed {
  return new PrintedText(parts.map(shown).join(separator));
}

/** Lines for the terminal, each ended by a newline. */
export function linesText(lines: readonly Printed[]): Printed {
  return new PrintedText(lines.map((line) => `${line.text}\n`).join(''));
}

/** Text of several lines (a library's help, a stack trace): each line as prose, the line breaks kept. */
export function proseLines(text: string): Printed {
  return new PrintedText(text.split('\n').map(escapeProse).join('\n'));
}

/**
 * A JSON document as written: exact JSON (parsing it gives the same value), with every character
 * `escapeProse` would escape written as a JSON `\uXXXX` escape, so a terminal shows it inert.
 * `JSON.stringify` escapes C0 controls inside strings itself, so a raw newline is the layout's;
 * the others only ever stand inside JSON strings, where the escape means the same.
 */
export function jsonText(value: unknown): Printed {
  const json = JSON.stringify(value, null, 2) ?? 'null';
  return new PrintedText(
    json.replace(INVISIBLE_OR_CONTROL, (character) =>
      character === '\n'
        ? character
        : [...Array(character.length).keys()].map((unit) => `\\u${character.charCodeAt(unit).toString(16).padStart(4, '0')}`).join(''),
    ),
  );
}

export type Paint = (text: Printed) => Printed;

/** The colours commands use: each paints text already escaped, so only these codes reach a terminal. */
export interface Colours {
  red: Paint;
  green: Paint;
  yellow: Paint;
  dim: Paint;
  bold: Paint;
}

export function terminalColours(enabled: boolean): Colours {
  const colours = createColors(enabled);
  const paint =
    (colour: (text: string) => string): Paint =>
    (text) =>
      new PrintedText(colour(text.text));
  return { red: paint(colours.red), green: paint(colours.green), yellow: paint(colours.yellow), dim: paint(colours.dim), bold: paint(colours.bold) };
}
