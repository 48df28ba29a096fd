import { describe, expect, it } from 'vitest';
import type { ValidationDecision } from '../../../src/rules/decisions/request-validation-decision';
import { preApprovalAnswer, requestValidationAnswer } from '../../../src/services/decision-replies';

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
});
