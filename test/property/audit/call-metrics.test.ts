/** The calls' metrics, for any payload: dimension values only from closed sets. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OTHER, OUTCOMES, REFUSAL_REASONS, systemDimension } from '../../../src/audit/call-metrics';
import { meterAuditRecord } from '../../../src/audit/metered-sink';
import type { AuditRecord } from '../../../src/audit/record';
import { FAILURE_REASONS } from '../../../src/kernel/errors';
import { WEBHOOK_KINDS } from '../../../src/lumos/payload';
import { capturedMetrics, type PublishedMetric } from '../../support/emf';

const kind = fc.constantFrom(...WEBHOOK_KINDS);
const anyText = fc.string({ maxLength: 300, unit: 'binary' });

const record = fc.record({
  kind,
  app_id: anyText,
  subject: anyText,
  permissions: fc.array(anyText, { maxLength: 4 }),
  traceOutcomes: fc.array(fc.constantFrom(...(['matched', 'not_matched', 'undecided', 'invalid', 'skipped'] as const)), { maxLength: 5 }),
  results: fc.array(fc.record({ permission: anyText, failed: fc.boolean(), provisioner: fc.option(anyText, { nil: undefined }) }), { maxLength: 4 }),
});
type Input = typeof record extends fc.Arbitrary<infer T> ? T : never;

/** An audit record carrying the drawn values wherever a payload value can appear. */
function auditRecordOf(input: Input, reason: string): AuditRecord {
  return {
    kind: input.kind,
    app_id: input.app_id,
    subject: input.subject,
    requester: input.subject,
    permissions: input.permissions,
    // Not metered: the decision's own words are a closed set by type.
    decision: 'PREAPPROVED',
    status_code: 200,
    reason,
    trace: input.traceOutcomes.map((traced, index) => ({
      app_id: input.app_id,
      rule_id: `${input.app_id}-${index}`,
      outcome: traced,
      detail: input.subject,
    })),
    results: input.results.map((result) => ({
      permission: result.permission,
      status: result.failed ? ('failed' as const) : ('granted' as const),
      detail: result.permission,
      ...(result.provisioner === undefined ? {} : { provisioner: result.provisioner }),
    })),
    latency_ms: 1,
    request_id: input.app_id,
  };
}

/** Each dimension value is from its closed set, or (`system`) a provisioner's name as systemDimension cleans it. */
function expectClosedDimensions(metric: PublishedMetric, closed: ReadonlySet<string>, systems: ReadonlySet<string>): void {
  expect(metric.rootKeys.filter((key) => key !== '_aws' && key !== metric.name).every((key) => ['kind', 'outcome', 'reason', 'system'].includes(key))).toBe(
    true,
  );
  for (const [name, value] of metric.dimensionSets.flatMap((set) => Object.entries(set))) {
    if (name === 'system') {
      expect(systems.has(value)).toBe(true);
      expect(value).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
    } else {
      expect(closed.has(value), `${name}=${value}`).toBe(true);
    }
  }
}

describe('dimensions never carry a payload value', () => {
  const closed = new Set<string>([...WEBHOOK_KINDS, ...OUTCOMES, ...FAILURE_REASONS, ...REFUSAL_REASONS, OTHER]);

  it('whatever the app ids, permissions, people and provisioner names', () => {
    fc.assert(
      fc.property(record, anyText, anyText, (input, outcome, reason) => {
        // Prepare
        const { metrics, published } = capturedMetrics();
        // Act
        meterAuditRecord(metrics, auditRecordOf(input, reason));
        metrics.count('Decisions', { kind: input.kind, outcome });
        metrics.count('Failures', { kind: input.kind, reason });
        // Assess
        const systems = new Set(
          ['none', ...input.results.flatMap((result) => (result.provisioner === undefined ? [] : [result.provisioner]))].map(systemDimension),
        );
        for (const metric of published()) expectClosedDimensions(metric, closed, systems);
      }),
      { numRuns: 300 },
    );
  });
});
