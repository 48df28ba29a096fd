/**
 * The facts a decision used, kept on its audit item so the decision can be made again later
 * (`lumos-rules plan` replays the last days' calls under proposed rules; `explain --request`
 * re-decides one): the clock, the request's fields the item does not already hold, and for each
 * state lookup what was asked and what was found. A lookup that was never made is a fact that was
 * never recorded, never an absent one. Compact: shifts and records as tuples.
 */
import type { CustomFieldValue, Facts, Shift, TrainingRecord } from '../rules/facts';
import type { StateLookups } from '../rules/lookups';

export const RECORDED_FACTS_VERSION = 1;
/** Hostile intake answers must not push the item toward DynamoDB's 400 KB: larger facts are left out. */
export const MAX_RECORDED_FACTS_CHARS = 32_000;

/** schedule, email, starts_at, ends_at, the source that synced it (null: by hand), its escalation level (null: not said) */
export type RecordedShift = [string, string, string, string, string | null, number | null];
/** schedule, its source, that source's last success (null: never), stale_after minutes */
export type RecordedScheduleSource = [string, string, string | null, number];
/** email, course, completed_at, expires_at (null: never) */
export type RecordedTraining = [string, string, string, string | null];

export interface RecordedFacts {
  v: typeof RECORDED_FACTS_VERSION;
  /** The instant the rules were evaluated at. */
  now: string;
  access_length: number | null;
  custom_fields: Record<string, CustomFieldValue>;
  /** Request validation's message placeholders (`{app}`, `{permission}`), as the call had them. */
  labels?: { app: string; permission: string };
  /** (schedule, email) pairs read, every shift the reads returned, and the sources of those schedules. */
  on_call: { looked_up: [string, string][]; found: RecordedShift[]; sources?: RecordedScheduleSource[] };
  /** People whose training records were read (all their courses), and the records found. */
  training: { looked_up: string[]; found: RecordedTraining[] };
}

/** Facts too large to keep: the call stays audited, and a replay counts it as not replayable. */
export interface OmittedFacts {
  v: typeof RECORDED_FACTS_VERSION;
  omitted: string;
}

export function recordFacts(facts: Facts, lookups: StateLookups, labels?: RecordedFacts['labels']): RecordedFacts | OmittedFacts {
  const recorded: RecordedFacts = {
    v: RECORDED_FACTS_VERSION,
    now: facts.now.toISOString(),
    access_length: facts.request.accessLength,
    // A plain object: DynamoDB's marshalling and readers expect one (the payload's has no prototype).
    custom_fields: Object.fromEntries(Object.entries(facts.request.customFields)),
    ...(labels === undefined ? {} : { labels }),
    on_call: {
      looked_up: lookups.shifts.map(({ schedule, email }) => [schedule, email]),
      found: facts.shifts.map(shiftTuple),
      sources: (facts.scheduleSources ?? []).map((entry) => [entry.schedule, entry.source, entry.last_success, entry.stale_after]),
    },
    training: { looked_up: [...lookups.trainees], found: (facts.trainings ?? []).map(trainingTuple) },
  };
  const size = JSON.stringify(recorded).length;
  return size > MAX_RECORDED_FACTS_CHARS ? { v: RECORDED_FACTS_VERSION, omitted: `facts of ${size} characters exceed ${MAX_RECORDED_FACTS_CHARS}` } : recorded;
}

const shiftTuple = (shift: Shift): RecordedShift => [
  shift.schedule,
  shift.email,
  shift.starts_at,
  shift.ends_at,
  shift.source ?? null,
  shift.escalation_level ?? null,
];
const trainingTuple = (record: TrainingRecord): RecordedTraining => [record.email, record.course, record.completed_at, record.expires_at ?? null];
