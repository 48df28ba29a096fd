/**
 * CSV as RFC 4180 writes it, read without trusting it: quoted fields (with `""` and line breaks
 * inside), CRLF or LF, a leading BOM. Each record keeps the line it starts on, so a rejected row
 * can be named; a field longer than the bound is cut (and flagged) rather than held whole.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
  /** A field was longer than `maxField` and was cut. */
  oversized: boolean;
  /** A quoted field was never closed: the record runs to the end of the file. */
  unterminated: boolean;
}

export function parseCsv(text: string, maxField = 1_000): CsvRecord[] {
  const records: CsvRecord[] = [];
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  while (i < body.length) {
    const record: CsvRecord = { line, fields: [], oversized: false, unterminated: false };
    let field = '';
    let quoted = false;
    let ended = false;
    const push = (character: string) => {
      if (field.length < maxField) field += character;
      else record.oversized = true;
    };
    while (i < body.length && !ended) {
      const character = body.charAt(i);
      if (quoted) {
        if (character === '"' && body.charAt(i + 1) === '"') {
          push('"');
          i += 2;
          continue;
        }
        if (character === '"') quoted = false;
        else {
          if (character === '\n') line += 1;
          push(character);
        }
        i += 1;
        continue;
      }
      if (character === '"' && field === '') quoted = true;
      else if (character === ',') {
        record.fields.push(field);
        field = '';
      } else if (character === '\n' || (character === '\r' && body.charAt(i + 1) === '\n')) {
        i += character === '\r' ? 1 : 0;
        line += 1;
        ended = true;
      } else push(character);
      i += 1;
    }
    record.fields.push(field);
    record.unterminated = quoted;
    // Blank lines separate nothing: skipped, as spreadsheet exports leave one at the end.
    if (record.fields.length > 1 || record.fields[0] !== '') records.push(record);
  }
  return records;
}
