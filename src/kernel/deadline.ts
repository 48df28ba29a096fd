/**
 * One budget for every outside call of an invocation (not per call), so the reply always
 * leaves well inside Lumos's 15 s. Outside calls run through `timedCall` (./timed-call.ts),
 * which turns what is left into a timer the call owns.
 */
export class Deadline {
  private readonly endsAt: number;

  constructor(
    budgetMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.endsAt = now() + budgetMs;
  }

  /** The smaller of our own budget and what Lambda has left minus a margin for the reply, on the call's clock. */
  static forInvocation(budgetMs: number, lambdaRemainingMs?: number, now: () => number = Date.now): Deadline {
    const lambdaBudget = lambdaRemainingMs === undefined ? budgetMs : lambdaRemainingMs - 500;
    return new Deadline(Math.max(0, Math.min(budgetMs, lambdaBudget)), now);
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - this.now());
  }
}
