/**
 * The training records a CSV import file lists for one course: `email,completed_at[,expires_at]`,
 * each checked as the functions will read it, so a row they could not use is rejected here.
 */
import { checkEmail, checkInstant } from './cell-checks';
import { csvTable } from './csv-table';
import type { Rejection } from './rejection';

export interface FileTraining {
  line: number;
  email: string;
  completedAt: Date;
  expiresAt?: Date;
}

/** A completion a few minutes ahead is a clock's skew; further is a typo that would count before it happened. */
const FUTURE_SLACK_MS = 5 * 60_000;

export function readTrainingFile(file: string, text: string, now: Date): { records: FileTraining[]; rejected: Rejection[] } {
  const { rows, rejected } = csvTable(file, text, ['email', 'completed_at'], ['expires_at']);
  const records: FileTraining[] = [];
  for (const { line, cells } of rows) {
    const email = checkEmail(cells.email ?? '');
    const completed = checkInstant(cells.completed_at ?? '', 'completed_at');
    const expiresCell = cells.expires_at ?? '';
    const expires = expiresCell.trim() === '' ? null : checkInstant(expiresCell, 'expires_at');
    if (!email.ok) rejected.push({ line, value: cells.email ?? '', reason: email.reason });
    else if (!completed.ok) rejected.push({ line, value: cells.completed_at ?? '', reason: completed.reason });
    else if (completed.value.getTime() > now.getTime() + FUTURE_SLACK_MS)
      rejected.push({ line, value: cells.completed_at ?? '', reason: 'completed_at is in the future' });
    else if (expires !== null && !expires.ok) rejected.push({ line, value: expiresCell, reason: expires.reason });
    else if (expires?.ok && expires.value.getTime() <= completed.value.getTime())
      rejected.push({ line, value: expiresCell, reason: 'expires_at is not after completed_at' });
    else records.push({ line, email: email.value, completedAt: completed.value, ...(expires?.ok ? { expiresAt: expires.value } : {}) });
  }
  rejected.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { records, rejected };
}
