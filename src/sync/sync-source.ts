/**
 * One sync run of one source (docs/state-sources.md, "The sync run"): read its secret, fetch the
 * window, write what came back with `source` and `synced_at`, and for each schedule read whole,
 * delete this source's shifts in the window that the run no longer returned, and any shift of a
 * source that no longer covers the schedule. Hand-written and imported items are never
 * overwritten or deleted: every write is conditional on the key holding nothing or this
 * source's own item.
 */
import type { Deadline } from '../kernel/deadline';
import { DeadlineExceededError, StoreRejectedInputError, StoreUnavailableError } from '../kernel/errors';
import { inPool } from '../kernel/pool';
import { type ShiftItem, type SyncOrigin, shiftItem } from '../store/shift-item';
import { scheduleOfPartition } from '../store/state-keys';
import type { ExistingItem, ItemKey, SyncedStateStore } from '../store/synced-state-store';
import { type TrainingItem, trainingItem } from '../store/training-item';
import type { FetchRunOptions } from './fetch-run';
import { fetchSource } from './fetch-source';
import type { SyncWindow } from './hostile-values';
import type { SourceItem } from './source-item';
import { coveredNames } from './source-list';
import { SourceSecretReadError, type SourceSecretTexts } from './source-secret-texts';
import type { SkipReason, SyncedShift, SyncedTraining, SyncFailureReason, SyncStatus } from './sync-result';

/** The fetch's failures, and the run's own: the secret could not be read, the state table failed, a bug. */
export type SourceFailureReason = SyncFailureReason | 'secret_unavailable' | 'store_unavailable' | 'internal_error';

export interface SourceOutcome {
  id: string;
  /** What the source syncs: only shift sources judge freshness schedule by schedule. */
  kind: 'shifts' | 'training';
  status: SyncStatus;
  failure?: { reason: SourceFailureReason; message: string };
  /** Items the source returned. */
  returned: number;
  written: number;
  deleted: number;
  /** Returned items left unwritten: their key holds an item of another origin. */
  kept: number;
  skipped: Partial<Record<SkipReason, number>>;
  requests: number;
  /** The schedules (courses) the run read whole: only there were vanished shifts deleted. */
  complete: string[];
  /** The schedules (courses) a page or listing of which could not be read (every one when the run failed). */
  incomplete: string[];
}

export interface SyncSourceDeps {
  state: SyncedStateStore;
  secrets: SourceSecretTexts;
  /** The connectors' HTTP settings (tests: a sleep that does not wait). */
  fetchOptions?: Omit<Partial<FetchRunOptions>, 'window' | 'deadline'>;
}

/** Schedules read, puts and deletes sent at once within one source. */
const STORE_CONCURRENCY = 8;

export async function syncSource(source: SourceItem, window: SyncWindow, origin: SyncOrigin, deps: SyncSourceDeps, deadline: Deadline): Promise<SourceOutcome> {
  const names = coveredNames(source);
  const covered = 'schedules' in names ? names.schedules : names.courses;
  const outcome: SourceOutcome = {
    id: source.id,
    kind: 'schedules' in names ? 'shifts' : 'training',
    status: 'failed',
    returned: 0,
    written: 0,
    deleted: 0,
    kept: 0,
    skipped: {},
    requests: 0,
    complete: [],
    incomplete: [...covered],
  };
  try {
    const secretText = await deps.secrets.read(source.secret, deadline);
    const fetched = await fetchSource(source, secretText, { ...deps.fetchOptions, window, deadline });
    outcome.skipped = fetched.run.skipped;
    outcome.requests = fetched.run.requests;
    if (fetched.run.status === 'failed') {
      // Nothing written, nothing deleted: the state stays as the last good run left it.
      if (fetched.run.failure) outcome.failure = fetched.run.failure;
      return outcome;
    }
    outcome.returned = fetched.run.items.length;
    const incomplete = new Set(fetched.run.incomplete);
    const complete = covered.filter((name) => !incomplete.has(name));
    const context: RunContext = { source, window, origin, state: deps.state, deadline, outcome };
    if (fetched.kind === 'shifts') await syncShifts(context, fetched.run.items, new Set(complete));
    else await syncTraining(context, fetched.run.items);
    outcome.status = fetched.run.status;
    outcome.complete = complete;
    outcome.incomplete = covered.filter((name) => incomplete.has(name));
    return outcome;
  } catch (error) {
    outcome.status = 'failed';
    outcome.failure = failureOf(error);
    outcome.complete = [];
    outcome.incomplete = [...covered];
    return outcome;
  }
}

/** One source's run: what it writes with, and the outcome it fills in as it goes. */
interface RunContext {
  source: SourceItem;
  window: SyncWindow;
  origin: SyncOrigin;
  state: SyncedStateStore;
  deadline: Deadline;
  outcome: SourceOutcome;
}

async function syncShifts(
  { source, window, origin, state, deadline, outcome }: RunContext,
  shifts: readonly SyncedShift[],
  complete: ReadonlySet<string>,
): Promise<void> {
  const names = coveredNames(source);
  const schedules = 'schedules' in names ? names.schedules : [];
  // Read before writing: what the partitions hold tells which keys belong to another origin
  // (never overwritten) and, for a schedule read whole, which shifts vanished.
  const existing = new Map<string, ExistingItem>();
  await inPool(schedules, STORE_CONCURRENCY, async (schedule) => {
    for (const item of await state.shiftsOf(schedule, deadline)) existing.set(keyOf(item), item);
  });
  const items = shifts.map((shift) =>
    shiftItem(shift.schedule, shift.email, new Date(shift.starts_at), new Date(shift.ends_at), {
      origin,
      ...(shift.escalation_level === undefined ? {} : { escalationLevel: shift.escalation_level }),
    }),
  );
  const returned = new Set(items.map(keyOf));
  const synced = [...existing.values()].filter(
    (item): item is ExistingItem & { source: string; synced_at: string } =>
      item.source !== undefined && item.synced_at !== undefined && complete.has(scheduleOf(item)),
  );
  // A shift of a source that no longer covers a schedule read whole goes first, so this source's
  // shift with the same key is written in its place in this run.
  await deleteAll(
    synced.filter((item) => item.source !== source.id),
    state,
    deadline,
    outcome,
  );
  // A shift the table refused is not written: this source's older item under its key goes too (that can only refuse access).
  for (const refused of await putAll(items, state, source.id, deadline, outcome)) returned.delete(keyOf(refused));
  await deleteAll(
    synced.filter((item) => item.source === source.id && !returned.has(keyOf(item)) && overlapsWindow(item, window)),
    state,
    deadline,
    outcome,
  );
}

/**
 * Safe beside an overlapping run: each delete is conditional on the source and the exact
 * `synced_at` read, so a shift another run wrote again since is kept.
 */
async function deleteAll(
  items: readonly (ExistingItem & { source: string; synced_at: string })[],
  state: SyncedStateStore,
  deadline: Deadline,
  outcome: SourceOutcome,
) {
  await inPool(items, STORE_CONCURRENCY, async (item) => {
    if (await state.deleteIfUnchanged(item, deadline)) outcome.deleted += 1;
  });
}

/**
 * Training records are only ever added or updated by a sync, never deleted: a passed course stays
 * passed (the rule's `within_days` and `expires_at` decide how long it counts), and records are
 * keyed by person, so finding a vanished one would mean reading every person the source ever
 * wrote. An enrollment removed in the LMS is removed from the state by hand.
 */
async function syncTraining({ source, origin, state, deadline, outcome }: RunContext, records: readonly SyncedTraining[]): Promise<void> {
  const items = records.map((record) =>
    trainingItem(record.email, record.course, new Date(record.completed_at), {
      origin,
      ...(record.expires_at === undefined ? {} : { expiresAt: new Date(record.expires_at) }),
    }),
  );
  await putAll(items, state, source.id, deadline, outcome);
}

/**
 * Each put lands only where the key holds nothing or this source's own item; a refused one was
 * hand-written or another's, and is kept. Returns the items the table refused as input.
 */
async function putAll(
  items: readonly (ShiftItem | TrainingItem)[],
  state: SyncedStateStore,
  sourceId: string,
  deadline: Deadline,
  outcome: SourceOutcome,
): Promise<(ShiftItem | TrainingItem)[]> {
  const refused: (ShiftItem | TrainingItem)[] = [];
  await inPool(items, STORE_CONCURRENCY, async (item) => {
    let written: boolean;
    try {
      written = await state.putUnlessOtherOrigin(item, sourceId, deadline);
    } catch (error) {
      // An item the table refuses (its input, not an outage) is one item left out, never the whole run.
      if (!(error instanceof StoreRejectedInputError)) throw error;
      outcome.skipped.bad_value = (outcome.skipped.bad_value ?? 0) + 1;
      refused.push(item);
      return;
    }
    if (written) outcome.written += 1;
    else outcome.kept += 1;
  });
  return refused;
}

function keyOf(item: ItemKey): string {
  return `${item.pk}\n${item.sk}`;
}

/** The schedule a shift's partition key names. */
function scheduleOf(item: ItemKey): string {
  return scheduleOfPartition(item.pk) ?? '';
}

/** The shift overlaps [from, to); one whose times do not parse is not this run's to judge. */
function overlapsWindow(item: ExistingItem, window: SyncWindow): boolean {
  const starts = Date.parse(item.starts_at ?? '');
  const ends = Date.parse(item.ends_at ?? '');
  return Number.isFinite(starts) && Number.isFinite(ends) && starts < window.to.getTime() && ends > window.from.getTime();
}

function failureOf(error: unknown): { reason: SourceFailureReason; message: string } {
  if (error instanceof SourceSecretReadError) return { reason: 'secret_unavailable', message: error.message };
  if (error instanceof DeadlineExceededError) return { reason: 'deadline_exceeded', message: error.message };
  if (error instanceof StoreUnavailableError || error instanceof StoreRejectedInputError) return { reason: 'store_unavailable', message: error.message };
  // A bug: its name only, since an unexpected message might quote a response.
  return { reason: 'internal_error', message: `the sync failed unexpectedly (${error instanceof Error ? error.name : 'unknown error'})` };
}
