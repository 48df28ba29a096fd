/** The on-call shift item as admins and sync jobs write it (README "On-call shifts"). */
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
  const normalised = email.trim().toLowerCase();
  const starts = startsAt.toISOString();
  return {
    pk: `oncall#${schedule}`,
    sk: `${normalised}#${starts}`,
    schedule,
    email: normalised,
    starts_at: starts,
    ends_at: endsAt.toISOString(),
    ttl: Math.floor(endsAt.getTime() / 1000),
  };
}
