/**
 * The static credential Lumos sends in a custom header (docs/contract.md, "Transport"). Shape is
 * checked first; the comparison is constant-time over digests and visits every accepted token,
 * so neither timing nor early exit tells which token (or how much of one) matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const MAX_TOKEN_LENGTH = 4_096;

/** The token from the configured header; an optional `Bearer ` scheme (any case) is removed. */
export function extractToken(headers: Readonly<Record<string, string | undefined>>, headerName: string): string | null {
  const raw = headers[headerName.toLowerCase()];
  if (typeof raw !== 'string') return null;
  const token = raw.trim().replace(/^bearer(\s+|$)/i, '');
  return token.length > 0 && token.length <= MAX_TOKEN_LENGTH ? token : null;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function matchesAnyToken(candidate: string, accepted: readonly string[]): boolean {
  const candidateDigest = digest(candidate);
  let matched = false;
  for (const token of accepted) {
    // Bitwise OR, not `||`: compare against every token regardless of an earlier match.
    matched = timingSafeEqual(candidateDigest, digest(token)) || matched;
  }
  return matched;
}
