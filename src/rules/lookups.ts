/**
 * Which state the rules in scope need, so a warm call reads only that: one on-call lookup per
 * distinct (schedule, person) that an in-scope rule asks about.
 */
import { leaves } from './conditions';
import type { RequestFacts } from './evaluate';
import { scopeOf, type RuleEntry, type RuleKind } from './rule-item';

export interface ShiftLookup {
  schedule: string;
  email: string;
}

export function shiftLookups(entries: readonly RuleEntry[], kind: RuleKind, request: RequestFacts): ShiftLookup[] {
  const lookups = new Map<string, ShiftLookup>();
  for (const entry of entries) {
    if (!entry.valid || !entry.rule.when || !scopeOf(entry, kind, request.permissions).inScope) continue;
    for (const leaf of leaves(entry.rule.when)) {
      if (leaf.type !== 'on_call') continue;
      const email = leaf.who === 'target' ? request.target : request.requester;
      if (email !== null) lookups.set(`${leaf.schedule}\n${email}`, { schedule: leaf.schedule, email });
    }
  }
  return [...lookups.values()];
}
