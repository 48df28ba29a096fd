/**
 * The training records a CSV import file lists for one course: `email,completed_at[,expires_at]`,
 * each checked as the functions will read it, so a row they could not use is rejected here.
 */
import { checkEmail, checkInstant } from './cell-checks';
import { type CsvRow, csvTable } from './csv-table';
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
  for (const row of rows) {
    const read = csvTraining(row, now);
    if ('reason' in read) rejected.push(read);
    else records.push(read);
  }
  rejected.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { records, rejected };
}

/** One row as a training record, or the first cell that stops it being one. */
function csvTraining({ line, cells }: CsvRow, now: Date): FileTraining | Rejection {
  const email = checkEmail(cells.email ?? '');
  const completed = checkInstant(cells.completed_at ?? '', 'completed_at');
  if (!email.ok) return { line, value: cells.email ?? '', reason: email.reason };
  if (!completed.ok) return { line, value: cells.completed_at ?? '', reason: completed.reason };
  if (completed.value.getTime() > now.getTime() + FUTURE_SLACK_MS) return { line, value: cells.completed_at ?? '', reason: 'completed_at is in the future' };
  const expiresCell = cells.expires_at ?? '';
  if (expiresCell.trim() === '') return { line, email: email.value, completedAt: completed.value };
  const expires = checkInstant(expiresCell, 'expires_at');
  if (!expires.ok) return { line, value: expiresCell, reason: expires.reason };
  if (expires.value.getTime() <= completed.value.getTime()) return { line, value: expiresCell, reason: 'expires_at is not after completed_at' };
  return { line, email: email.value, completedAt: completed.value, expiresAt: expires.value };
}
