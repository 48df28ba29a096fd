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
  const reader = new CsvReader(text.startsWith('\uFEFF') ? text.slice(1) : text, maxField);
  const records: CsvRecord[] = [];
  while (!reader.done()) {
    const record = reader.record();
    // Blank lines separate nothing: skipped, as spreadsheet exports leave one at the end.
    if (record.fields.length > 1 || record.fields[0] !== '') records.push(record);
  }
  return records;
}

/** Reads one record at a time, keeping the line the next one starts on. */
class CsvReader {
  private i = 0;
  private line = 1;
  /** The record being read, and its field so far. */
  private current: CsvRecord = { line: 1, fields: [], oversized: false, unterminated: false };
  private field = '';
  private quoted = false;

  constructor(
    private readonly body: string,
    private readonly maxField: number,
  ) {}

  done(): boolean {
    return this.i >= this.body.length;
  }

  record(): CsvRecord {
    this.current = { line: this.line, fields: [], oversized: false, unterminated: false };
    this.field = '';
    this.quoted = false;
    let ended = false;
    while (!this.done() && !ended) ended = this.quoted ? this.quotedCharacter() : this.plainCharacter();
    this.current.fields.push(this.field);
    this.current.unterminated = this.quoted;
    return this.current;
  }

  /** Inside quotes: a doubled quote is one, a single one closes the field, anything else (a line break too) is the field's. */
  private quotedCharacter(): false {
    const character = this.body.charAt(this.i);
    if (character === '"' && this.body.charAt(this.i + 1) === '"') {
      this.push('"');
      this.i += 2;
      return false;
    }
    if (character === '"') this.quoted = false;
    else {
      if (character === '\n') this.line += 1;
      this.push(character);
    }
    this.i += 1;
    return false;
  }

  /** Outside quotes: a quote opens a field, a comma ends one, a line break (LF or CRLF) ends the record. True at its end. */
  private plainCharacter(): boolean {
    const character = this.body.charAt(this.i);
    let ended = false;
    if (character === '"' && this.field === '') this.quoted = true;
    else if (character === ',') {
      this.current.fields.push(this.field);
      this.field = '';
    } else if (character === '\n' || (character === '\r' && this.body.charAt(this.i + 1) === '\n')) {
      this.i += character === '\r' ? 1 : 0;
      this.line += 1;
      ended = true;
    } else this.push(character);
    this.i += 1;
    return ended;
  }

  private push(character: string): void {
    if (this.field.length < this.maxField) this.field += character;
    else this.current.oversized = true;
  }
}
