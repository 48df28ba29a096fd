/** The on-call shift item as admins and sync jobs write it (docs/rules.md, "On-call shifts"). */
import { normaliseEmail } from '../lumos/email';
import { shiftPartition, shiftSortKey } from './state-keys';

/** Longer than a month is a typo (a year for a month), not a shift: it would keep someone on call unnoticed. Imports and the calendar sync refuse it. */
export const MAX_SHIFT_DAYS = 31;
export const MAX_SHIFT_MS = MAX_SHIFT_DAYS * 86_400_000;

export interface ShiftItem {
  pk: string;
  sk: string;
  schedule: string;
  email: string;
  starts_at: string;
  ends_at: string;
  /** Epoch seconds of the shift's end: DynamoDB removes it some time after. */
  ttl: number;
  /** The source id of a synced shift; absent on a shift written by hand or imported. */
  source?: string;
  /** When the sync last wrote it (UTC instant); only with `source`. */
  synced_at?: string;
  /** The paging tool's escalation level (1 = first responder), when it says. */
  escalation_level?: number;
  /** Who imported a hand-written shift (`lumos-state import-shifts --by`), and when; never with `source`. */
  imported_by?: string;
  imported_at?: string;
}

/** What an import adds to a hand-written item: who ran it and when. */
export interface ImportOrigin {
  by: string;
  at: Date;
}

/** What a sync adds to a shift: who wrote it and when. Hand-written shifts have none of it. */
export interface SyncOrigin {
  source: string;
  syncedAt: Date;
}

export function shiftItem(
  schedule: string,
  email: string,
  startsAt: Date,
  endsAt: Date,
  options: { origin?: SyncOrigin; escalationLevel?: number; imported?: ImportOrigin } = {},
): ShiftItem {
  const normalised = normaliseEmail(email);
  const starts = startsAt.toISOString();
  return {
    pk: shiftPartition(schedule),
    sk: shiftSortKey(normalised, starts),
    schedule,
    email: normalised,
    starts_at: starts,
    ends_at: endsAt.toISOString(),
    ttl: Math.floor(endsAt.getTime() / 1000),
    ...(options.origin === undefined ? {} : { source: options.origin.source, synced_at: options.origin.syncedAt.toISOString() }),
    ...(options.escalationLevel === undefined ? {} : { escalation_level: options.escalationLevel }),
    ...importedFields(options),
  };
}

/** An item synced from a source is the source's: an import's marks go only on hand-written items. */
export function importedFields(options: { origin?: SyncOrigin; imported?: ImportOrigin }): { imported_by?: string; imported_at?: string } {
  if (options.imported === undefined || options.origin !== undefined) return {};
  return { imported_by: options.imported.by, imported_at: options.imported.at.toISOString() };
}
