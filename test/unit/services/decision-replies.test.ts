import { describe, expect, it } from 'vitest';
import type { PermissionResult } from '../../../src/audit/record';
import type { ValidationDecision } from '../../../src/rules/decisions/request-validation-decision';
import { deprovisioningAnswer, preApprovalAnswer, provisioningAnswer, requestValidationAnswer } from '../../../src/services/decision-replies';

const provisioningReply = (results: PermissionResult[], appLabel: string) => provisioningAnswer(results, appLabel).reply;
const deprovisioningReply = (results: PermissionResult[]) => deprovisioningAnswer(results).reply;
const result = (permission: string, status: PermissionResult['status'], detail: string = status): PermissionResult => ({ permission, status, detail });

describe('provisioning reply', () => {
  it('is 204 only when every permission succeeded', () => {
    expect(provisioningReply([result('a', 'granted'), result('b', 'already_granted'), result('c', 'hold_added')], 'App')).toEqual({ statusCode: 204 });
  });

  it('lists what failed, why, and what was done', () => {
    const reply = provisioningReply([result('a', 'granted'), result('b', 'failed', 'Licence API: answered HTTP 503'), result('c', 'no_rule')], 'App');
    expect(reply).toEqual({
      statusCode: 502,
      body: { response: 'PROVISIONING_FAILED', message: 'Provisioning failed for b (Licence API: answered HTTP 503). Done: a. No rule covers: c.' },
    });
  });

  it('asks for a human when no rule covers a permission', () => {
    expect(provisioningReply([result('a', 'granted'), result('c', 'no_rule')], 'Demo App')).toEqual({
      statusCode: 200,
      body: { response: 'NO_PROVISIONING_ACTION', message: 'No provisioning rule covers c in Demo App; it needs to be provisioned by hand. Done: a.' },
    });
  });
});

describe('deprovisioning reply', () => {
  it('is 204 for removed, released and never-granted access, including an empty list', () => {
    expect(deprovisioningReply([result('a', 'removed'), result('b', 'hold_released'), result('c', 'not_granted')])).toEqual({ statusCode: 204 });
    expect(deprovisioningReply([])).toEqual({ statusCode: 204 });
  });

  it('is 502 naming what failed and what was done', () => {
    expect(deprovisioningReply([result('a', 'removed'), result('b', 'failed', 'Licence API: could not be reached (ECONNREFUSED)')])).toEqual({
      statusCode: 502,
      body: { response: 'DEPROVISIONING_FAILED', message: 'Deprovisioning failed for b (Licence API: could not be reached (ECONNREFUSED)). Done: a.' },
    });
  });
});

describe('what an answer records beside its reply', () => {
  const unavailable: ValidationDecision = { status: 'unavailable', reason: 'rule broken is invalid', rule_id: 'broken', trace: [] };

  it('records a failed check as `failure`, with the reply the fail mode chose', () => {
    // Act
    const closed = requestValidationAnswer(unavailable, { failMode: 'closed', misconfiguredMessage: 'Ask the admins.' });
    const open = requestValidationAnswer(unavailable, { failMode: 'open', misconfiguredMessage: 'Ask the admins.' });
    // Assess
    expect(closed).toMatchObject({ decision: 'failure', outcome: 'VALIDATION_FAILED', rule_ids: ['broken'], message: 'Ask the admins.' });
    expect(closed.reply.body).toEqual({ response: 'VALIDATION_FAILED', message: 'Ask the admins.', reason: 'rule broken is invalid' });
    expect(open).toMatchObject({ decision: 'failure', outcome: 'VALIDATION_PASSED', rule_ids: ['broken'] });
    expect(open).not.toHaveProperty('message');
    expect(open.reply.body).toEqual({ response: 'VALIDATION_PASSED', reason: 'rule broken is invalid; fail mode open' });
  });

  it('names every unmet requirement and joins their messages', () => {
    // Act
    const answer = requestValidationAnswer({
      status: 'blocked',
      reason: 'requirement not met: a, b',
      messages: ['Do A.', 'Do B.'],
      rule_ids: ['a', 'b'],
      trace: [],
    });
    // Assess
    expect(answer).toMatchObject({ decision: 'VALIDATION_FAILED', rule_ids: ['a', 'b'], message: 'Do A. Do B.' });
    expect(answer.reply.body).toEqual({ response: 'VALIDATION_FAILED', message: 'Do A. Do B.', reason: 'requirement not met: a, b' });
  });

  it('gives pre-approval its deciding rule in the reply and the record', () => {
    // Act
    const answer = preApprovalAnswer({ approved: true, reason: 'allowed by rule on-call', rule_id: 'on-call', trace: [] });
    // Assess
    expect(answer).toMatchObject({ decision: 'PREAPPROVED', rule_ids: ['on-call'] });
    expect(answer.reply).toEqual({ statusCode: 200, body: { response: 'PREAPPROVED', reason: 'allowed by rule on-call', rule_id: 'on-call' } });
  });

  it('records what a 204 stands for, and each permission in the reason', () => {
    // Act
    const done = provisioningAnswer([{ ...result('', 'granted'), rule_id: 'ledger' }], 'App');
    const removed = deprovisioningAnswer([]);
    // Assess
    expect(done).toMatchObject({ decision: 'PROVISIONED', reason: 'the app itself: granted', rule_ids: ['ledger'] });
    expect(removed).toMatchObject({ decision: 'DEPROVISIONED', reason: 'nothing to do', rule_ids: [] });
  });
});
