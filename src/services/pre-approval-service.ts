/**
 * Pre-approval: load rules (cached) and only the on-call state they ask about, decide with the
 * pure engine, audit, reply. A warm call costs one state read and one audit write.
 */

import { recordFacts } from '../audit/recorded-facts';
import { auditCall } from '../audit/writer';
import type { CallContext } from '../kernel/call';
import type { ParsedRequest } from '../lumos/payload';
import type { Reply } from '../lumos/replies';
import { decidePreApproval } from '../rules/decisions/pre-approval-decision';
import { preApprovalAnswer } from './decision-replies';
import type { KindService, ServiceDependencies } from './kind-service';
import { loadFacts } from './load-facts';
import { logInvalidRules } from './log-invalid-rules';
import { requestFacts } from './request-facts';

export class PreApprovalService implements KindService {
  readonly kind = 'pre_approval' as const;

  constructor(private readonly deps: Pick<ServiceDependencies, 'rules' | 'state' | 'audit'>) {}

  async handle(parsed: ParsedRequest, call: CallContext): Promise<Reply> {
    const { rules, state, audit } = this.deps;
    const request = requestFacts(parsed);
    const entries = await rules.rulesFor(request.appId, call.deadline);
    const { facts, lookups } = await loadFacts(state, call.at, entries, this.kind, request, call.deadline);
    const decision = decidePreApproval(entries, facts);

    logInvalidRules(decision.trace, 'answering NOT_PREAPPROVED until it is fixed');

    const answer = preApprovalAnswer(decision);
    return auditCall(audit, this.kind, parsed, call, answer.reply, {
      decision: answer.decision,
      reason: answer.reason,
      ...(decision.rule_id === undefined ? {} : { rule_id: decision.rule_id }),
      trace: decision.trace,
      facts: recordFacts(facts, lookups),
    });
  }
}
