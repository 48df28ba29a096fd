/** The training record item as an LMS sync job or an admin writes it (docs/rules.md, "Training records"). */
import { normaliseEmail } from '../lumos/email';
import { type ImportOrigin, importedFields, type SyncOrigin } from './shift-item';
import { trainingPartition } from './state-keys';

export interface TrainingItem {
  pk: string;
  sk: string;
  email: string;
  course: string;
  /** For people reading the item; rules name courses by id. */
  course_name?: string;
  completed_at: string;
  expires_at?: string;
  /** The source id of a synced record; absent on a record written by hand or imported. */
  source?: string;
  /** When the sync last wrote it (UTC instant); only with `source`. */
  synced_at?: string;
  /** Who imported a hand-written record (`lumos-state import-training --by`), and when; never with `source`. */
  imported_by?: string;
  imported_at?: string;
}

export function trainingItem(
  email: string,
  course: string,
  completedAt: Date,
  options: { courseName?: string; expiresAt?: Date; origin?: SyncOrigin; imported?: ImportOrigin } = {},
): TrainingItem {
  const normalised = normaliseEmail(email);
  return {
    pk: trainingPartition(normalised),
    sk: course,
    email: normalised,
    course,
    ...(options.courseName === undefined ? {} : { course_name: options.courseName }),
    completed_at: completedAt.toISOString(),
    ...(options.expiresAt === undefined ? {} : { expires_at: options.expiresAt.toISOString() }),
    ...(options.origin === undefined ? {} : { source: options.origin.source, synced_at: options.origin.syncedAt.toISOString() }),
    ...importedFields(options),
  };
}
