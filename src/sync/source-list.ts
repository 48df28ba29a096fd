/**
 * The sources a sync run works on: every source item parsed, and each schedule (or course) name
 * owned by one source only. A source that does not parse, or claims a name another source owns,
 * is a problem of its own and is not synced; the others are.
 */
import type { Deadline } from '../kernel/deadline';
import type { SourceStatus, SourceStore, StoredSource } from '../store/source-store';
import { parseSourceItem, type SourceItem, SourceItemError } from './source-item';
import { type SourceSecretPrefixes, secretPrefixOf } from './source-secret-prefixes';

export interface SourceProblem {
  id: string;
  message: string;
}

export interface SourceList {
  sources: SourceItem[];
  problems: SourceProblem[];
  statuses: SourceStatus[];
  /** Ids of the accepted sources whose secret is still under the legacy prefix: to move (docs/deploy.md). */
  legacySecrets: string[];
}

/** The names a source covers: shift schedules or training courses, each its own namespace. */
export function coveredNames(source: SourceItem): { schedules: string[] } | { courses: string[] } {
  switch (source.type) {
    case 'pagerduty':
    case 'incidentio':
      return { schedules: unique(Object.values(source.schedules)) };
    case 'ics':
      return { schedules: [source.schedule] };
    case 'knowbe4':
      return { courses: unique([...Object.values(source.campaigns ?? {}), ...Object.values(source.modules ?? {})]) };
  }
}

export async function readSources(store: SourceStore, prefixes: SourceSecretPrefixes, deadline: Deadline): Promise<SourceList> {
  const [stored, statuses] = await Promise.all([store.listSources(deadline), store.statuses(deadline)]);
  const problems: SourceProblem[] = [];
  const parsed = stored.flatMap((item) => {
    const source = parseStored(item, prefixes);
    if ('problem' in source) {
      problems.push({ id: item.id, message: source.problem });
      return [];
    }
    return [source.source];
  });
  const owners = ownersOf(parsed, statuses);
  const sources = parsed.filter((source) => {
    const taken = claims(source).flatMap(([key, label]) => {
      const owner = owners.get(key);
      return owner !== undefined && owner !== source.id ? [`${label} is already synced by source ${JSON.stringify(owner)}`] : [];
    });
    if (taken.length > 0) {
      const kind = 'schedules' in coveredNames(source) ? 'schedule' : 'course';
      problems.push({ id: source.id, message: `source ${JSON.stringify(source.id)} is refused: ${taken.join('; ')} (a ${kind} name maps to one source only)` });
    }
    return taken.length === 0;
  });
  const legacySecrets = sources.flatMap((source) => {
    const under = secretPrefixOf(source.secret, prefixes);
    return 'under' in under && under.under === 'legacy' ? [source.id] : [];
  });
  return { sources, problems, statuses, legacySecrets };
}

/** The item's fields with its id from the sort key; an `id` field, if written, must agree. */
function parseStored(item: StoredSource, prefixes: SourceSecretPrefixes): { source: SourceItem } | { problem: string } {
  if (item.fields.id !== undefined && item.fields.id !== item.id) {
    return { problem: `source ${JSON.stringify(item.id.slice(0, 64))} is malformed: id: must be the item's sort key` };
  }
  try {
    return { source: parseSourceItem({ ...item.fields, id: item.id }, prefixes) };
  } catch (error) {
    if (error instanceof SourceItemError) return { problem: error.message };
    throw error;
  }
}

/** `schedule:<name>` or `course:<name>`, with how a message names it. */
function claims(source: SourceItem): [string, string][] {
  const names = coveredNames(source);
  return 'schedules' in names
    ? names.schedules.map((name) => [`schedule:${name}`, `schedule ${JSON.stringify(name)}`])
    : names.courses.map((name) => [`course:${name}`, `course ${JSON.stringify(name)}`]);
}

/**
 * Who owns each claimed name: the source whose last recorded run already covered it (so a new
 * source item can never take a schedule away from the one syncing it), else the lowest id, so
 * the choice does not depend on the order items are read in.
 */
function ownersOf(sources: readonly SourceItem[], statuses: readonly SourceStatus[]): Map<string, string> {
  const covered = new Map<string, Set<string>>();
  for (const status of statuses) {
    covered.set(
      status.id,
      new Set([...textsOf(status.schedules).map((name) => `schedule:${name}`), ...textsOf(status.courses).map((name) => `course:${name}`)]),
    );
  }
  const owners = new Map<string, string>();
  const sorted = [...sources].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const source of sorted) {
    for (const [key] of claims(source)) {
      const owner = owners.get(key);
      const coversIt = covered.get(source.id)?.has(key) ?? false;
      const ownerCoversIt = owner !== undefined && (covered.get(owner)?.has(key) ?? false);
      if (owner === undefined || (coversIt && !ownerCoversIt)) owners.set(key, source.id);
    }
  }
  return owners;
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** A status list as stored; anything else (an item edited by hand) covers nothing. */
function textsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : [];
}
