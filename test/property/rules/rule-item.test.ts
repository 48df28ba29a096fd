import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRuleItem, type RuleEntry } from '../../../src/rules/rule-item';

describe('parseRuleItem over arbitrary input', () => {
  function checkEntry(entry: RuleEntry): void {
    if (entry.valid) {
      expect(['pre_approval', 'request_validation', 'provisioning']).toContain(entry.rule.kind);
    } else {
      expect(entry.invalid.problems.length).toBeGreaterThan(0);
      expect(typeof entry.invalid.rule_id).toBe('string');
      expect(typeof entry.invalid.app_id).toBe('string');
    }
  }

  it('never throws on arbitrary objects', () => {
    fc.assert(
      fc.property(fc.object(), (raw) => {
        checkEntry(parseRuleItem(raw));
      }),
      { numRuns: 1_000 },
    );
  });

  it('never throws on rule-shaped items whose attributes are arbitrary JSON', () => {
    const attributes = ['app_id', 'rule_id', 'kind', 'enabled', 'priority', 'permissions', 'when', 'effect', 'mode', 'message'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...attributes), fc.jsonValue()), (raw) => {
        checkEntry(parseRuleItem(raw));
      }),
      // fast-check finds the first example by itself only now and then; pin it.
      { numRuns: 1_000, examples: [[{ app_id: { toString: null } }], [{ rule_id: [{ valueOf: 1, toString: 'x' }] }]] },
    );
  });

  it('never throws on condition trees keyed by Object.prototype names and random patterns, and names the rule', () => {
    const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
    const key = fc.oneof(fc.constantFrom(...prototypeNames, 'all', 'any', 'not', 'custom_field'), fc.string());
    const pattern = fc.record({ custom_field: fc.record({ name: key, matches: fc.string({ unit: 'binary', maxLength: 40 }) }) });
    const leaf = fc.oneof(pattern, fc.jsonValue({ maxDepth: 2 }));
    const level = (inner: fc.Arbitrary<unknown>) => fc.oneof(inner, fc.dictionary(key, inner, { maxKeys: 2 }), fc.array(inner, { maxLength: 2 }));
    const tree = fc.dictionary(key, level(level(leaf)), { maxKeys: 2 });
    fc.assert(
      fc.property(tree, fc.oneof(fc.constant(undefined), fc.boolean()), (when, enabled) => {
        // JSON round trip: keys such as "__proto__" arrive as own attributes, as from DynamoDB's JSON.
        const raw: unknown = JSON.parse(JSON.stringify({ app_id: 'app-1', rule_id: 'r-1', kind: 'pre_approval', effect: 'deny', enabled, when }) ?? 'null');
        const entry = parseRuleItem(raw);
        checkEntry(entry);
        if (!entry.valid) expect(entry.invalid.rule_id).toBe('r-1');
      }),
      { numRuns: 1_000 },
    );
  });

  it('never throws on arbitrary JSON values, objects or not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        checkEntry(parseRuleItem(raw as Record<string, unknown>));
      }),
      { numRuns: 1_000 },
    );
  });
});
