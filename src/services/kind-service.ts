import type { AuditSink } from '../audit/record';
import type { GrantLedger } from '../grants/grant-ledger';
import type { Backoff } from '../grants/ledger-retry';
import type { CallContext } from '../kernel/call';
import type { ParsedRequest, WebhookKind } from '../lumos/payload';
import type { FailureReply, Reply } from '../lumos/replies';
import type { Provisioners } from '../provisioners/dispatch';
import type { RuleSource } from '../store/rule-source';
import type { StateSource } from '../store/state-source';

/** One webhook kind's work on a parsed, authenticated call; the pipeline does everything around it. */
export interface KindService {
  readonly kind: WebhookKind;
  handle(request: ParsedRequest, call: CallContext): Promise<Reply>;
  /** The answer when an authenticated call's check could not run; default: the kind's safe reply. */
  failureReply?(reason: string): FailureReply;
}

/** What the services read and write, each behind its interface (src/app/container.ts and src/app/parts/ build the real ones). */
export interface ServiceDependencies {
  readonly rules: RuleSource;
  readonly state: StateSource;
  readonly audit: AuditSink;
  readonly grants: GrantLedger;
  readonly provisioners: Provisioners;
  /** The clock for ledger times (a grant's start and end, a removal's mark): each write reads it. */
  readonly now: () => Date;
  /** How a step on a grant held up by another call waits before it tries again; default `LEDGER_BACKOFF`. */
  readonly backoff?: Backoff;
}
