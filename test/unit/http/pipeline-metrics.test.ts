/**
 * What the pipeline counts for calls it did not refuse: one decision per call, by what Lumos was
 * answered, and one failure, by reason, whenever the check could not run.
 */
import { describe, expect, it } from 'vitest';
import type { AuditRecord, AuditSink } from '../../../src/audit/record';
import { createPipeline } from '../../../src/http/pipeline';
import { EnvTokenSource, type TokenSource } from '../../../src/http/token-source';
import { StoreUnavailableError, TokenSourceError } from '../../../src/kernel/errors';
import type { WebhookKind } from '../../../src/lumos/payload';
import { type Reply, replies } from '../../../src/lumos/replies';
import type { KindService } from '../../../src/services/kind-service';
import { RequestValidationService } from '../../../src/services/request-validation-service';
import { capturedMetrics } from '../../support/emf';
import { fixture, webhookRequest } from '../../support/events';

const TOKEN = 'pipeline-token-0123456789';

/** Keeps audit records in memory. */
class MemoryAudit implements AuditSink {
  readonly records: AuditRecord[] = [];
  async record(record: AuditRecord): Promise<void> {
    this.records.push(record);
  }
}

function pipelineFor(service: KindService, tokens: TokenSource = new EnvTokenSource(TOKEN)) {
  const captured = capturedMetrics();
  const run = createPipeline(service, { tokens, authHeader: 'authorization', deadlineMs: 2_000, audit: new MemoryAudit(), metrics: captured.metrics });
  const counted = () => captured.published().map((metric) => [metric.name, metric.value, metric.dimensionSets.at(-1)]);
  return { run, counted };
}

const answering = (kind: WebhookKind, reply: Reply): KindService => ({ kind, handle: async () => reply });
const throwing = (kind: WebhookKind, error: unknown): KindService => ({
  kind,
  handle: async () => {
    throw error;
  },
});
const BODIES: Record<WebhookKind, Record<string, unknown>> = {
  pre_approval: fixture('pre-approval.json'),
  request_validation: fixture('pre-approval.json'),
  provisioning: fixture('provisioning.json'),
  deprovisioning: fixture('provisioning.json'),
};

describe('decisions', () => {
  it.each([
    ['pre_approval', 'PREAPPROVED', replies.preApproved()],
    ['request_validation', 'VALIDATION_FAILED', replies.validationFailed('Complete the training first.')],
    ['provisioning', 'PROVISIONED', replies.provisioned()],
    ['provisioning', 'NO_PROVISIONING_ACTION', replies.noProvisioningAction('No rule covers it.')],
    ['deprovisioning', 'DEPROVISIONED', replies.deprovisioned()],
    ['deprovisioning', 'DEPROVISIONING_FAILED', replies.deprovisioningFailed('The API answered 500.')],
  ] as const)('%s: counts one decision %s', async (kind, outcome, reply) => {
    // Prepare
    const { run, counted } = pipelineFor(answering(kind, reply));
    // Act
    await run(webhookRequest(BODIES[kind], TOKEN));
    // Assess
    expect(counted()).toEqual([['Decisions', 1, { kind, outcome }]]);
  });
});

describe('failures', () => {
  it.each([
    ['pre_approval', 'NOT_PREAPPROVED'],
    ['request_validation', 'VALIDATION_FAILED'],
    ['provisioning', 'PROVISIONING_FAILED'],
    ['deprovisioning', 'DEPROVISIONING_FAILED'],
  ] as const)('%s: a store that is down counts a failure by reason and the safe reply %s', async (kind, outcome) => {
    // Prepare
    const { run, counted } = pipelineFor(throwing(kind, new StoreUnavailableError('rules table unreachable')));
    // Act
    const reply = await run(webhookRequest(BODIES[kind], TOKEN));
    // Assess
    expect(reply.body?.response).toBe(outcome);
    expect(counted()).toEqual([
      ['Failures', 1, { kind, reason: 'store_unavailable' }],
      ['Decisions', 1, { kind, outcome }],
    ]);
  });

  it('counts a failure of request validation in fail mode open, though the requester passed', async () => {
    // Prepare
    const service = new RequestValidationService(
      {
        rules: {
          rulesFor: async () => {
            throw new StoreUnavailableError('rules table unreachable');
          },
        },
        state: { shifts: async () => [], trainings: async () => [], scheduleSources: async () => [] },
        audit: new MemoryAudit(),
      },
      'open',
    );
    const { run, counted } = pipelineFor(service);
    // Act
    const reply = await run(webhookRequest(BODIES.request_validation, TOKEN));
    // Assess
    expect(reply.body?.response).toBe('VALIDATION_PASSED');
    expect(counted()).toEqual([
      ['Failures', 1, { kind: 'request_validation', reason: 'store_unavailable' }],
      ['Decisions', 1, { kind: 'request_validation', outcome: 'VALIDATION_PASSED' }],
    ]);
  });

  it('counts an unreadable token secret, before any credential is checked', async () => {
    // Prepare
    const tokens: TokenSource = {
      tokens: async () => {
        throw new TokenSourceError('the token secret is empty');
      },
    };
    const { run, counted } = pipelineFor(answering('pre_approval', replies.preApproved()), tokens);
    // Act
    await run(webhookRequest(BODIES.pre_approval, TOKEN));
    // Assess
    expect(counted()).toEqual([
      ['Failures', 1, { kind: 'pre_approval', reason: 'credential_store_unavailable' }],
      ['Decisions', 1, { kind: 'pre_approval', outcome: 'NOT_PREAPPROVED' }],
    ]);
  });

  it('counts an unexpected error as internal_error, never with its text', async () => {
    // Prepare
    const { run, counted } = pipelineFor(throwing('provisioning', new TypeError('cannot read properties of undefined')));
    // Act
    await run(webhookRequest(BODIES.provisioning, TOKEN));
    // Assess
    expect(counted()[0]).toEqual(['Failures', 1, { kind: 'provisioning', reason: 'internal_error' }]);
  });
});
