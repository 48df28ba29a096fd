import { describe, expect, it } from 'vitest';
import { extractToken, matchesAnyToken } from '../../../src/http/auth';

describe('credential check', () => {
  it('takes the token from "Bearer <token>" with any case of the scheme', () => {
    expect(extractToken({ authorization: 'Bearer abc' }, 'authorization')).toBe('abc');
    expect(extractToken({ authorization: 'bearer   abc ' }, 'Authorization')).toBe('abc');
    expect(extractToken({ authorization: 'BEARER abc' }, 'authorization')).toBe('abc');
  });

  it('reads a custom header, with or without a scheme', () => {
    expect(extractToken({ 'x-lumos-token': 'abc' }, 'X-Lumos-Token')).toBe('abc');
    expect(extractToken({ authorization: 'Bearer abc' }, 'x-lumos-token')).toBeNull();
  });

  it('treats a missing, empty or absurdly long credential as absent', () => {
    expect(extractToken({}, 'authorization')).toBeNull();
    expect(extractToken({ authorization: 'Bearer ' }, 'authorization')).toBeNull();
    expect(extractToken({ authorization: `Bearer ${'x'.repeat(5000)}` }, 'authorization')).toBeNull();
  });

  it('accepts any of the current tokens and nothing else', () => {
    const accepted = ['new-token-1234567890', 'old-token-1234567890'];
    expect(matchesAnyToken('new-token-1234567890', accepted)).toBe(true);
    expect(matchesAnyToken('old-token-1234567890', accepted)).toBe(true);
    expect(matchesAnyToken('new-token-123456789', accepted)).toBe(false);
    expect(matchesAnyToken('', accepted)).toBe(false);
    expect(matchesAnyToken('anything', [])).toBe(false);
  });
});
