/**
 * Which state the rules in scope need, so a warm call reads only that: one on-call lookup per
 * distinct (schedule, person), one training lookup per distinct person.
 */
import { type Condition, leaves } from './conditions';
import type { RequestFacts } from './facts';
import type { RuleEntry, RuleKind } from './rule-item';
import { scopeOf } from './scope';

export interface ShiftLookup {
  schedule: string;
  email: string;
}

export interface StateLookups {
  shifts: ShiftLookup[];
  /** People whose training records are needed. */
  trainees: string[];
}

export function stateLookups(entries: readonly RuleEntry[], kind: RuleKind, request: RequestFacts): StateLookups {
  const shifts = new Map<string, ShiftLookup>();
  const trainees = new Set<string>();
  for (const entry of entries) {
    if (!entry.valid || !entry.rule.when || !scopeOf(entry, kind, request.permissions).inScope) continue;
    addLookups(entry.rule.when, request, shifts, trainees);
  }
  return { shifts: [...shifts.values()], trainees: [...trainees] };
}

/** The on-call and training lookups one rule's condition asks for, keyed so each is read once. */
function addLookups(when: Condition, request: RequestFacts, shifts: Map<string, ShiftLookup>, trainees: Set<string>): void {
  for (const leaf of leaves(when)) {
    if (leaf.type !== 'on_call' && leaf.type !== 'training') continue;
    const email = leaf.who === 'target' ? request.target : request.requester;
    if (email === null) continue;
    if (leaf.type === 'on_call') shifts.set(`${leaf.schedule}\n${email}`, { schedule: leaf.schedule, email });
    else trainees.add(email);
  }
}
