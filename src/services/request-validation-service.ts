/**
 * Request validation: load rules (cached) and only the state they ask about (training, on-call),
 * decide with the pure engine, audit, reply. When the check cannot run, the deployment's fail
 * mode decides: `closed` (default) blocks with a message saying so, `open` lets the request through.
 */

import { recordFacts } from '../audit/recorded-facts';
import { auditCall } from '../audit/writer';
import type { CallContext } from '../kernel/call';
import type { ParsedRequest } from '../lumos/payload';
import { type Reply, type RequestValidationReply, VALIDATION_MISCONFIGURED_MESSAGE, VALIDATION_UNAVAILABLE_MESSAGE } from '../lumos/replies';
import { decideRequestValidation, type MessageContext } from '../rules/decisions/request-validation-decision';
import { requestValidationAnswer, validationFailureReply } from './decision-replies';
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

  failureReply(reason: string, message: string = VALIDATION_UNAVAILABLE_MESSAGE): RequestValidationReply {
    return validationFailureReply(this.failMode, reason, message);
  }

  async handle(parsed: ParsedRequest, call: CallContext): Promise<Reply> {
    const { rules, state, audit } = this.deps;
    const request = requestFacts(parsed);
    const entries = await rules.rulesFor(request.appId, call.deadline);
    const { facts, lookups } = await loadFacts(state, call.at, entries, this.kind, request, call.deadline);
    const context = messageContext(parsed);
    const decision = decideRequestValidation(entries, facts, context);

    logInvalidRules(decision.trace, `request validation cannot run until it is fixed (fail mode ${this.failMode})`);
    const answer = requestValidationAnswer(decision, { failMode: this.failMode, misconfiguredMessage: this.misconfiguredMessage });
    const [ruleId] = answer.rule_ids;

    return auditCall(audit, this.kind, parsed, call, answer.reply, {
      decision: answer.decision,
      response: answer.reply.body.response,
      reason: answer.reason,
      ...(ruleId === undefined ? {} : { rule_id: ruleId }),
      ...(answer.message === undefined ? {} : { message: answer.message }),
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
