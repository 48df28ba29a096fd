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
  /** The state source that synced it; absent: written by hand or imported (docs/state-sources.md). */
  source?: string;
  /** 1 is the first person paged; absent when the source does not say (calendars, hand-written shifts). */
  escalation_level?: number;
}

/** A source that syncs a schedule, and when it last read it whole (docs/state-sources.md). */
export interface ScheduleSource {
  schedule: string;
  source: string;
  /** The start of its last run that read this schedule whole; null: never. */
  last_success: string | null;
  /** Minutes after which its shifts are no longer trusted. */
  stale_after: number;
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
  /** The sources of the schedules the rules ask about: a stale one makes `on_call` undecided; a synced shift counts only through its own. */
  scheduleSources?: readonly ScheduleSource[];
}
