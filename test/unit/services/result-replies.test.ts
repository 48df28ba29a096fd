import { describe, expect, it } from 'vitest';
import type { PermissionResult } from '../../../src/audit/record';
import { deprovisioningAnswer, provisioningAnswer } from '../../../src/services/result-replies';

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

describe('what a (de)provisioning answer records beside its reply', () => {
  it('records what a 204 stands for, and each permission in the reason', () => {
    // Act
    const done = provisioningAnswer([{ ...result('', 'granted'), rule_id: 'ledger' }], 'App');
    const removed = deprovisioningAnswer([]);
    // Assess
    expect(done).toMatchObject({ decision: 'PROVISIONED', reason: 'the app itself: granted', rule_ids: ['ledger'] });
    expect(removed).toMatchObject({ decision: 'DEPROVISIONED', reason: 'nothing to do', rule_ids: [] });
  });
});
