/**
 * Pre-approval: load rules (cached) and only the on-call state they ask about, decide with the
 * pure engine, audit, reply. A warm call costs one state read and one audit write.
 */
import type { CallContext, KindService } from '../http/pipeline';
import { auditBase } from '../http/pipeline';
import type { ParsedRequest } from '../lumos/payload';
import { replies, type Reply } from '../lumos/replies';
import { requestFacts } from '../rules/evaluate';
import { decidePreApproval } from '../rules/pre-approval';
import type { Dependencies } from '../runtime/dependencies';
import { logger } from '../runtime/logger';
import { logInvalidRules } from './log-invalid-rules';
import { loadFacts } from './load-facts';

export class PreApprovalService implements KindService {
  readonly kind = 'pre_approval' as const;

  constructor(private readonly deps: Pick<Dependencies, 'rules' | 'state' | 'audit' | 'now'>) {}

  async handle(parsed: ParsedRequest, call: CallContext): Promise<Reply> {
    const { rules, state, audit, now } = this.deps;
    const request = requestFacts(parsed);
    const entries = await rules.rulesFor(request.appId, call.deadline);
    const facts = await loadFacts(state, now, entries, this.kind, request, call.deadline);
    const decision = decidePreApproval(entries, facts);

    logInvalidRules(decision.trace, 'answering NOT_PREAPPROVED until it is fixed');

    const detail = { reason: decision.reason, ...(decision.rule_id === undefined ? {} : { rule_id: decision.rule_id }) };
    const reply = decision.approved ? replies.preApproved(detail) : replies.notPreApproved(detail);
    try {
      await audit.record(
        {
          ...auditBase(this.kind, parsed, call),
          decision: String(reply.body?.response),
          status_code: reply.statusCode,
          reason: decision.reason,
          ...(decision.rule_id === undefined ? {} : { rule_id: decision.rule_id }),
          trace: decision.trace,
          latency_ms: Date.now() - call.receivedAt,
        },
        facts.now,
        call.deadline,
      );
    } catch {
      // An approval nobody can later explain is not given: fail closed.
      logger.error('audit item could not be written', { app_id: request.appId, approved: decision.approved });
      if (decision.approved) return replies.notPreApproved({ reason: 'audit_unavailable' });
    }
    return reply;
  }
}
