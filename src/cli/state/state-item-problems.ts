/**
 * Why the functions cannot read or find a state item, or null when they can: keys formed as
 * src/store/state-keys.ts forms them (emails normalised), times that parse as instants
 * (src/store/iso-instant.ts), a shift with an end after its start, an item's `email` the person
 * its key names. Items of other partitions (sources, their status) are not state items here.
 */
import { emailProblem, normaliseEmail } from '../../lumos/email';
import { normaliseInstant } from '../../store/iso-instant';

const SHIFT = 'oncall#';
const TRAINING = 'training#';

export function stateItemProblems(item: Record<string, unknown>): string[] {
  const { pk, sk } = item;
  if (typeof pk !== 'string') return [];
  if (pk.startsWith(SHIFT)) return shiftProblems(item, typeof sk === 'string' ? sk : null);
  if (pk.startsWith(TRAINING)) return trainingProblems(item, pk.slice(TRAINING.length), sk);
  return [];
}

function shiftProblems(item: Record<string, unknown>, sk: string | null): string[] {
  if (sk === null) return ['sk is not text'];
  const problems: string[] = [];
  const hash = sk.lastIndexOf('#');
  const keyEmail = hash < 0 ? sk : sk.slice(0, hash);
  problems.push(...keyEmailProblems(keyEmail, 'sk'));
  const startsAt = instantProblem(item.starts_at, 'starts_at');
  const endsAt = item.ends_at === undefined || item.ends_at === null ? 'a shift without an end (no ends_at)' : instantProblem(item.ends_at, 'ends_at');
  if (startsAt) problems.push(startsAt);
  if (endsAt) problems.push(endsAt);
  if (!startsAt && !endsAt && Date.parse(normaliseInstant(String(item.ends_at)) ?? '') <= Date.parse(normaliseInstant(String(item.starts_at)) ?? '')) {
    problems.push('ends_at is not after starts_at: it covers no time');
  }
  if (hash < 0) problems.push('sk has no "#<starts_at>": the functions look shifts up as <email>#<starts_at>');
  else if (!startsAt && normaliseInstant(sk.slice(hash + 1)) === null) problems.push('sk does not end in the start time: the functions may not find it');
  problems.push(...otherPerson(item.email, keyEmail));
  if (item.source !== undefined && typeof item.source !== 'string') {
    problems.push('source is not text: no source covers it, so on_call is undecided while it covers now (remove the attribute for a hand-written shift)');
  }
  return problems;
}

function trainingProblems(item: Record<string, unknown>, keyEmail: string, sk: unknown): string[] {
  const problems = keyEmailProblems(keyEmail, 'pk');
  if (typeof sk !== 'string') problems.push('sk (the course) is not text');
  const completed = instantProblem(item.completed_at, 'completed_at');
  if (completed) problems.push(completed);
  if (item.expires_at !== undefined && item.expires_at !== null) {
    const expires = instantProblem(item.expires_at, 'expires_at');
    if (expires) problems.push(expires);
  }
  problems.push(...otherPerson(item.email, keyEmail));
  return problems;
}

function keyEmailProblems(email: string, key: string): string[] {
  const normalised = normaliseEmail(email);
  if (normalised !== email) return [`${key} holds ${JSON.stringify(email)}, not normalised (${JSON.stringify(normalised)}): the functions cannot find it`];
  const problem = emailProblem(email);
  return problem === null ? [] : [`${key}: ${problem}`];
}

function instantProblem(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return `no ${field}`;
  return typeof value === 'string' && normaliseInstant(value) !== null
    ? null
    : `${field} ${JSON.stringify(String(value).slice(0, 60))} is not an ISO-8601 instant with a zone`;
}

function otherPerson(email: unknown, keyEmail: string): string[] {
  if (email === undefined) return [];
  if (typeof email !== 'string') return ['email is not text'];
  return normaliseEmail(email) === normaliseEmail(keyEmail) ? [] : [`email ${JSON.stringify(email)} is not the person its key names: the functions ignore it`];
}
