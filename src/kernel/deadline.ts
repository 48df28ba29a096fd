import { DeadlineExceededError } from './errors';

/**
 * One budget for every outside call of an invocation (not per call), so the reply always
 * leaves well inside Lumos's 15 s.
 */
export class Deadline {
  private readonly endsAt: number;

  constructor(
    budgetMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.endsAt = now() + budgetMs;
  }

  /** The smaller of our own budget and what Lambda has left minus a margin for the reply. */
  static forInvocation(budgetMs: number, lambdaRemainingMs?: number): Deadline {
    const lambdaBudget = lambdaRemainingMs === undefined ? budgetMs : lambdaRemainingMs - 500;
    return new Deadline(Math.max(0, Math.min(budgetMs, lambdaBudget)));
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - this.now());
  }

  /** An abort signal for one outside call; throws if nothing is left. */
  signal(): AbortSignal {
    const remaining = this.remainingMs();
    if (remaining <= 0) throw new DeadlineExceededError('deadline reached before an outside call');
    return AbortSignal.timeout(remaining);
  }
}
