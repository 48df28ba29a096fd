/**
 * Where a JSON text stops being JSON. `JSON.parse` says so only sometimes ("at position 12"),
 * and never as a line and column; this scanner finds the first offending character, so an
 * admin is pointed at it. It is only asked once `JSON.parse` has refused the text.
 */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const scanner = new JsonScanner(text);
  try {
    scanner.document();
    return null;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, message: error.message };
    // A stack too small for the nesting: point at the start rather than fail.
    return { offset: 0, message: 'nested too deeply' };
  }
}

/** Reads JSON from the start, and throws `Stop` at the first character that is not. */
class JsonScanner {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value(0);
    this.space();
    if (this.at < this.text.length) throw new Stop(this.at, `unexpected ${this.describe()} after the end of the JSON value`);
  }

  private describe(): string {
    return this.at >= this.text.length ? 'the end of the file' : JSON.stringify(this.text[this.at]);
  }

  private fail(expected: string): never {
    throw new Stop(this.at, `expected ${expected}, found ${this.describe()}`);
  }

  private space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at] as string)) this.at += 1;
  }

  private value(depth: number): void {
    if (depth > 10_000) throw new Stop(this.at, 'nested too deeply');
    this.space();
    const char = this.text[this.at];
    if (char === '{') this.members('}', () => this.property(depth));
    else if (char === '[') this.members(']', () => this.value(depth + 1));
    else if (char === '"') this.string();
    else if (char === 't') this.literal('true');
    else if (char === 'f') this.literal('false');
    else if (char === 'n') this.literal('null');
    else this.number();
  }

  private literal(word: string): void {
    for (const char of word) {
      if (this.text[this.at] !== char) this.fail(`"${word}"`);
      this.at += 1;
    }
  }

  private string(): void {
    this.at += 1; // the opening quote
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined) this.fail("a closing '\"'");
      if (char === '"') {
        this.at += 1;
        return;
      }
      if (char === '\\') this.escape();
      else if ((char as string).charCodeAt(0) < 0x20) {
        throw new Stop(this.at, 'a line break or control character inside a string (write it escaped, e.g. "\\n")');
      } else this.at += 1;
    }
  }

  /** A backslash and what it escapes. */
  private escape(): void {
    const next = this.text[this.at + 1];
    if (next === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) throw new Stop(this.at, 'expected four hex digits after "\\u"');
      this.at += 6;
    } else if (next !== undefined && '"\\/bfnrt'.includes(next)) this.at += 2;
    else throw new Stop(this.at, 'unknown escape sequence');
  }

  private number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.at));
    if (!match) this.fail('a value');
    this.at += (match as RegExpExecArray)[0].length;
  }

  private property(depth: number): void {
    if (this.text[this.at] !== '"') this.fail('a property name in double quotes');
    this.string();
    this.space();
    if (this.text[this.at] !== ':') this.fail('":" after the property name');
    this.at += 1;
    this.value(depth + 1);
  }

  /** `{…}` or `[…]`: entries separated by commas, no trailing comma. */
  private members(close: string, entry: () => void): void {
    this.at += 1;
    this.space();
    if (this.text[this.at] === close) {
      this.at += 1;
      return;
    }
    for (;;) {
      this.space();
      entry();
      this.space();
      if (!this.comma(close)) break;
    }
    if (this.text[this.at] !== close) this.fail(`"," or "${close}"`);
    this.at += 1;
  }

  /** Past a comma between entries (refused before the closing bracket); false when there is none. */
  private comma(close: string): boolean {
    if (this.text[this.at] !== ',') return false;
    const comma = this.at;
    this.at += 1;
    this.space();
    if (this.text[this.at] === close) throw new Stop(comma, `a comma before "${close}": JSON allows no trailing comma`);
    return true;
  }
}
