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
  let at = 0;
  const describe = () => (at >= text.length ? 'the end of the file' : JSON.stringify(text[at]));
  const fail = (expected: string): never => {
    throw new Stop(at, `expected ${expected}, found ${describe()}`);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at += 1;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[at] !== char) fail(`"${word}"`);
      at += 1;
    }
  };
  const string = () => {
    at += 1; // the opening quote
    for (;;) {
      const char = text[at];
      if (char === undefined) fail("a closing '\"'");
      if (char === '"') {
        at += 1;
        return;
      }
      if (char === '\\') {
        const next = text[at + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) throw new Stop(at, 'expected four hex digits after "\\u"');
          at += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) at += 2;
        else throw new Stop(at, 'unknown escape sequence');
      } else if ((char as string).charCodeAt(0) < 0x20) {
        throw new Stop(at, 'a line break or control character inside a string (write it escaped, e.g. "\\n")');
      } else at += 1;
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail('a value');
    at += (match as RegExpExecArray)[0].length;
  };
  const value = (depth: number): void => {
    if (depth > 10_000) throw new Stop(at, 'nested too deeply');
    space();
    const char = text[at];
    if (char === '{') members('}', () => property(depth));
    else if (char === '[') members(']', () => value(depth + 1));
    else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else number();
  };
  const property = (depth: number) => {
    if (text[at] !== '"') fail('a property name in double quotes');
    string();
    space();
    if (text[at] !== ':') fail('":" after the property name');
    at += 1;
    value(depth + 1);
  };
  /** `{…}` or `[…]`: entries separated by commas, no trailing comma. */
  const members = (close: string, entry: () => void) => {
    at += 1;
    space();
    if (text[at] === close) {
      at += 1;
      return;
    }
    for (;;) {
      space();
      entry();
      space();
      if (text[at] === ',') {
        const comma = at;
        at += 1;
        space();
        if (text[at] === close) throw new Stop(comma, `a comma before "${close}": JSON allows no trailing comma`);
        continue;
      }
      if (text[at] === close) {
        at += 1;
        return;
      }
      fail(`"," or "${close}"`);
    }
  };
  try {
    value(0);
    space();
    if (at < text.length) throw new Stop(at, `unexpected ${describe()} after the end of the JSON value`);
    return null;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, message: error.message };
    // A stack too small for the nesting: point at the start rather than fail.
    return { offset: 0, message: 'nested too deeply' };
  }
}
