import { describe, expect, it } from 'vitest';
import { readAuditedCall, readFacts } from '../../../src/audit/audited-call';
import { decodeItem, encodeItem } from '../../../src/store/item-codec';

/** An audit item as the audit table returns it through the item reader. */
function storedCall(customFields: object) {
  return decodeItem(
    encodeItem({
      kind: 'pre_approval',
      app_id: 'demo_app',
      at: '2026-01-01T00:00:00.000Z#req-1',
      subject: 'peterparker@lumos.com',
      requester: null,
      permissions: ['Permission One'],
      decision: 'PREAPPROVED',
      request_id: 'req-1',
      facts: {
        v: 1,
        now: '2026-01-01T00:00:00.000Z',
        access_length: null,
        custom_fields: customFields,
        on_call: { looked_up: [], found: [] },
        training: { looked_up: [], found: [] },
      },
    }),
  );
}

describe('16.11 recorded intake answers read back for a replay', () => {
  it('keeps a field named "__proto__" as the call had it, beside "constructor"', () => {
    // Prepare
    const item = storedCall(JSON.parse('{"__proto__": "yes", "constructor": ["a"]}') as object);
    // Act
    const call = readAuditedCall(item);
    const facts = call.ok ? readFacts(call.call) : undefined;
    // Assess
    expect(facts?.status).toBe('recorded');
    const fields = facts?.status === 'recorded' ? facts.facts.custom_fields : {};
    expect(Object.keys(fields).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value).toBe('yes');
  });

  it('counts facts whose "__proto__" answer is not an answer as unreadable', () => {
    const call = readAuditedCall(storedCall(JSON.parse('{"__proto__": {"nested": 1}}') as object));
    expect(call.ok && readFacts(call.call)).toEqual({ status: 'not_recorded', why: 'facts not recorded (unreadable)' });
  });
});
