/** The audit decorator counts invalid rules in scope and failed target systems, even when the write fails. */
import { describe, expect, it } from 'vitest';
import { MeteredAuditSink } from '../../../src/audit/metered-sink';
import type { AuditRecord, AuditSink } from '../../../src/audit/record';
import { Deadline } from '../../../src/kernel/deadline';
import { AuditWriteError } from '../../../src/kernel/errors';
import { capturedMetrics } from '../../support/emf';

const BASE: AuditRecord = {
  kind: 'provisioning',
  app_id: 'demo_app',
  subject: 'peterparker@lumos.com',
  requester: null,
  permissions: ['read', 'write', 'admin'],
  decision: 'PROVISIONING_FAILED',
  status_code: 502,
  reason: 'read: failed',
  trace: [],
  latency_ms: 12,
  request_id: 'req-1',
};

function meteredOver(inner: AuditSink) {
  const captured = capturedMetrics();
  const sink = new MeteredAuditSink(inner, captured.metrics);
  const counted = () => captured.published().map((metric) => [metric.name, metric.value, metric.dimensionSets]);
  return { sink, counted };
}

const written: AuditRecord[] = [];
const memory: AuditSink = {
  record: async (record) => {
    written.push(record);
  },
};
const write = (sink: AuditSink, record: AuditRecord) => sink.record(record, new Date(), Deadline.forInvocation(1_000));

describe('metered audit sink', () => {
  it("counts the invalid rule items in a record's trace, by kind, and writes the record unchanged", async () => {
    // Prepare
    const { sink, counted } = meteredOver(memory);
    const record: AuditRecord = {
      ...BASE,
      kind: 'pre_approval',
      decision: 'NOT_PREAPPROVED',
      trace: [
        { app_id: 'demo_app', rule_id: 'broken-deny', outcome: 'invalid', detail: 'effect must be "allow" or "deny"' },
        { app_id: '*', rule_id: 'broken-global', outcome: 'invalid', detail: 'a condition is required' },
        { app_id: 'demo_app', rule_id: 'oncall', outcome: 'not_matched', detail: 'not on call' },
      ],
    };
    // Act
    await write(sink, record);
    // Assess
    expect(counted()).toEqual([['InvalidRulesInScope', 2, [{ kind: 'pre_approval' }]]]);
    expect(written.at(-1)).toBe(record);
  });

  it('counts failed permissions by target system, under the kind alone too', async () => {
    // Prepare
    const { sink, counted } = meteredOver(memory);
    const record: AuditRecord = {
      ...BASE,
      results: [
        { permission: 'read', status: 'failed', provisioner: 'Licence API', detail: 'the API answered 500' },
        { permission: 'write', status: 'failed', provisioner: 'Licence API', detail: 'timed out' },
        { permission: 'admin', status: 'failed', rule_id: 'broken', detail: 'rule broken is invalid' },
        { permission: 'audit', status: 'granted', provisioner: 'ledger', detail: 'granted by ledger' },
      ],
    };
    // Act
    await write(sink, record);
    // Assess
    expect(counted()).toEqual([
      ['ProvisioningFailures', 2, [{ kind: 'provisioning' }, { kind: 'provisioning', system: 'Licence_API' }]],
      ['ProvisioningFailures', 1, [{ kind: 'provisioning' }, { kind: 'provisioning', system: 'none' }]],
    ]);
  });

  it("counts a permission that could not run for a cause of ours as a failure by reason, once per call, not as its target system's", async () => {
    // Prepare: the ledger was down for two permissions; the target failed a third.
    const { sink, counted } = meteredOver(memory);
    const record: AuditRecord = {
      ...BASE,
      results: [
        { permission: 'read', status: 'failed', provisioner: 'Licence API', detail: 'could not run (store_unavailable)', reason: 'store_unavailable' },
        { permission: 'write', status: 'failed', provisioner: 'Licence API', detail: 'could not run (store_unavailable)', reason: 'store_unavailable' },
        { permission: 'admin', status: 'failed', provisioner: 'Licence API', detail: 'Licence API: answered HTTP 503' },
      ],
    };
    // Act
    await write(sink, record);
    // Assess
    expect(counted()).toEqual([
      ['ProvisioningFailures', 1, [{ kind: 'provisioning' }, { kind: 'provisioning', system: 'Licence_API' }]],
      ['Failures', 1, [{ kind: 'provisioning' }, { kind: 'provisioning', reason: 'store_unavailable' }]],
    ]);
  });

  it('counts before writing, so a failed audit write is still counted, and the error still reaches the caller', async () => {
    // Prepare
    const failing: AuditSink = {
      record: async () => {
        throw new AuditWriteError('the audit item could not be written');
      },
    };
    const { sink, counted } = meteredOver(failing);
    const record: AuditRecord = { ...BASE, kind: 'deprovisioning', results: [{ permission: 'read', status: 'failed', provisioner: 'hr-api', detail: '503' }] };
    // Act
    const outcome = write(sink, record);
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(AuditWriteError);
    expect(counted()).toEqual([['ProvisioningFailures', 1, [{ kind: 'deprovisioning' }, { kind: 'deprovisioning', system: 'hr-api' }]]]);
  });

  it('publishes nothing for a record without invalid rules or failures', async () => {
    // Prepare
    const { sink, counted } = meteredOver(memory);
    const record: AuditRecord = {
      ...BASE,
      decision: 'PROVISIONED',
      status_code: 204,
      trace: [{ app_id: 'demo_app', rule_id: 'ledger-grants', outcome: 'matched', detail: 'no condition' }],
      results: [{ permission: 'read', status: 'granted', provisioner: 'ledger', detail: 'granted by ledger' }],
    };
    // Act
    await write(sink, record);
    // Assess
    expect(counted()).toEqual([]);
  });
});
