/** The on-call shift item as admins and sync jobs write it (docs/rules.md, "On-call shifts"). */
import { normaliseEmail } from '../lumos/email';
import { shiftPartition, shiftSortKey } from './state-keys';

export interface ShiftItem {
  pk: string;
  sk: string;
  schedule: string;
  email: string;
  starts_at: string;
  ends_at: string;
  /** Epoch seconds of the shift's end: DynamoDB removes it some time after. */
  ttl: number;
}

export function shiftItem(schedule: string, email: string, startsAt: Date, endsAt: Date): ShiftItem {
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
  };
}
