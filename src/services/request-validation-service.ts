/**
 * Request validation: load rules (cached) and only the state they ask about (training, on-call),
 * decide with the pure engine, audit, reply. When the check cannot run, the deployment's fail
 * mode decides: `closed` (default) blocks with a message saying so, `open` lets the request through.
 */

import { recordFacts } from '../audit/recorded-facts';
import { auditCall } from '../audit/writer';
import type { CallContext } from '../kernel/call';
import type { ParsedRequest } from '../lumos/payload';
import { type Reply, replies, VALIDATION_MISCONFIGURED_MESSAGE, VALIDATION_UNAVAILABLE_MESSAGE } from '../lumos/replies';
import { decideRequestValidation, type MessageContext } from '../rules/decisions/request-validation-decision';
import type { FailMode } from './fail-mode';
import type { KindService, ServiceDependencies } from './kind-service';
import { loadFacts } from './load-facts';
import { logInvalidRules } from './log-invalid-rules';
import { requestFacts } from './request-facts';

export class RequestValidationService implements KindService {
  readonly kind = 'request_validation' as const;

  constructor(
    private readonly deps: Pick<ServiceDependencies, 'rules' | 'state' | 'audit'>,
    private readonly failMode: FailMode,
    /** Shown while an invalid rule item blocks the check: it will not fix itself, so no "try again". */
    private readonly misconfiguredMessage: string = VALIDATION_MISCONFIGURED_MESSAGE,
  ) {}

  failureReply(reason: string, message: string = VALIDATION_UNAVAILABLE_MESSAGE): Reply {
    return this.failMode === 'open' ? replies.validationPassed({ reason: `${reason}; fail mode open` }) : replies.validationFailed(message, { reason });
  }

  async handle(parsed: ParsedRequest, call: CallContext): Promise<Reply> {
    const { rules, state, audit } = this.deps;
    const request = requestFacts(parsed);
    const entries = await rules.rulesFor(request.appId, call.deadline);
    const { facts, lookups } = await loadFacts(state, call.at, entries, this.kind, request, call.deadline);
    const context = messageContext(parsed);
    const decision = decideRequestValidation(entries, facts, context);

    let reply: Reply;
    let ruleId: string | undefined;
    logInvalidRules(decision.trace, `request validation cannot run until it is fixed (fail mode ${this.failMode})`);
    if (decision.status === 'unavailable') {
      reply = this.failureReply(decision.reason, this.misconfiguredMessage);
      ruleId = decision.rule_id;
    } else if (decision.status === 'blocked') {
      reply = replies.validationFailed(decision.messages.join(' '), { reason: decision.reason });
      ruleId = decision.rule_ids[0];
    } else {
      reply = replies.validationPassed({ reason: decision.reason });
    }

    return auditCall(audit, this.kind, parsed, call, reply, {
      decision: decision.status === 'unavailable' ? 'failure' : String(reply.body?.response),
      response: String(reply.body?.response),
      reason: decision.reason,
      ...(ruleId === undefined ? {} : { rule_id: ruleId }),
      ...(typeof reply.body?.message === 'string' ? { message: reply.body.message } : {}),
      trace: decision.trace,
      facts: recordFacts(facts, lookups, { app: context.app, permission: context.permission }),
    });
  }
}

/** What a requirement's message placeholders stand for in this call (also `lumos-rules test` and `explain`). */
export function messageContext({ payload, subject }: ParsedRequest): MessageContext {
  return {
    app: payload.application.user_friendly_label?.trim() || payload.application.app_id,
    email: subject,
    permission: payload.permissions.map((permission) => permission.label?.trim() || permission.value).join(', '),
  };
}
