/**
 * The facts a decision is made from, as plain data: the request (from the payload, by the
 * services), the state the rules asked about, and the instant of the call. The engine knows
 * nothing of the payload's shape.
 */

/** An intake answer: text, or a multi-select's entries. */
export type CustomFieldValue = string | string[];

export interface RequestFacts {
  appId: string;
  permissions: string[];
  /** The subject: whose access this is. */
  target: string;
  requester: string | null;
  /** Seconds; null = unlimited. */
  accessLength: number | null;
  customFields: Record<string, CustomFieldValue>;
}

export interface Shift {
  schedule: string;
  email: string;
  starts_at: string;
  ends_at: string;
}

/** One completed course of one person (docs/rules.md, "Training records"). */
export interface TrainingRecord {
  email: string;
  course: string;
  completed_at: string;
  /** Absent or null: the completion does not expire. */
  expires_at?: string | null;
}

export interface Facts {
  request: RequestFacts;
  now: Date;
  /** On-call shifts loaded for the people the rules ask about (any time; checked against `now`). */
  shifts: readonly Shift[];
  /** Training records loaded for the people the rules ask about. */
  trainings?: readonly TrainingRecord[];
}
