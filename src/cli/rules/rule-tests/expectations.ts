/** What a case expected against what it got, in sentences an admin reads. */
import type { CaseOutcome } from './decide-case';
import type { TestCase } from './test-file';

export interface Mismatch {
  what: 'reply' | 'message' | 'rule_id' | 'provisioner';
  expected: string;
  actual: string | null;
}

export function mismatches(expect: TestCase['expect'], outcome: CaseOutcome): Mismatch[] {
  const found: Mismatch[] = [];
  if (outcome.reply !== expect.reply) found.push({ what: 'reply', expected: expect.reply, actual: outcome.reply });
  // Pre-approval replies carry no message: their reason is the text to look in.
  const text = outcome.message ?? outcome.reason ?? null;
  if (expect.message !== undefined && !(text ?? '').includes(expect.message)) found.push({ what: 'message', expected: expect.message, actual: text });
  if (expect.rule_id !== undefined && outcome.rule_id !== expect.rule_id)
    found.push({ what: 'rule_id', expected: expect.rule_id, actual: outcome.rule_id ?? null });
  if (expect.provisioner !== undefined && outcome.provisioner !== expect.provisioner) {
    found.push({ what: 'provisioner', expected: expect.provisioner, actual: outcome.provisioner ?? null });
  }
  return found;
}

export function describeMismatch({ what, expected, actual }: Mismatch): string {
  const got = actual === null ? 'none' : JSON.stringify(actual);
  if (what === 'message') return `expected a message containing ${JSON.stringify(expected)}, got ${got}`;
  return `expected ${what} ${JSON.stringify(expected)}, got ${got}`;
}
