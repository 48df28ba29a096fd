import { describe, expect, it } from 'vitest';
import { parseTokenSecret } from '../../../src/http/token-source';

describe('token secret formats', () => {
  it('reads a plain token or the rotation form', () => {
    expect(parseTokenSecret('  plain-token \n')).toEqual(['plain-token']);
    expect(parseTokenSecret('{"tokens": ["new", "old"]}')).toEqual(['new', 'old']);
  });

  it.each(['', '{', '{"tokens": []}', '{"tokens": [""]}', '{"token": "x"}', '{"tokens": [1]}'])('refuses %j without echoing it', (secret) => {
    expect(() => parseTokenSecret(secret)).toThrowError(/token secret/);
  });
});
