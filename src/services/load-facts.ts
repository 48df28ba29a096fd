import type { Deadline } from '../kernel/deadline';
import type { Facts, RequestFacts } from '../rules/facts';
import { type StateLookups, stateLookups } from '../rules/lookups';
import type { RuleEntry, RuleKind } from '../rules/rule-item';
import type { StateSource } from '../store/state-source';

/**
 * Reads only the state the in-scope rules ask about, shifts and training in parallel; returns
 * what was asked too, for the audit item's recorded facts.
 */
export async function loadFacts(
  state: StateSource,
  at: Date,
  entries: readonly RuleEntry[],
  kind: RuleKind,
  request: RequestFacts,
  deadline: Deadline,
): Promise<{ facts: Facts; lookups: StateLookups }> {
  const lookups = stateLookups(entries, kind, request);
  const schedules = [...new Set(lookups.shifts.map((lookup) => lookup.schedule))];
  const [shifts, trainings, scheduleSources] = await Promise.all([
    lookups.shifts.length > 0 ? state.shifts(lookups.shifts, at, deadline) : [],
    lookups.trainees.length > 0 ? state.trainings(lookups.trainees, deadline) : [],
    schedules.length > 0 ? state.scheduleSources(schedules, deadline) : [],
  ]);
  return { facts: { request, now: at, shifts, trainings, scheduleSources }, lookups };
}
