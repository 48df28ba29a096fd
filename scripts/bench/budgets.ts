/** Budgets collected while the bench runs, printed together at the end; any failure fails the run. */

export interface BudgetResult {
  passed: boolean;
  /** The budget as a reader would say it, e.g. "load overhead ≤ 70 ms". */
  budget: string;
  /** The measured figure behind the verdict, and the margin when it fails. */
  measured: string;
}

export class Budgets {
  private readonly results: BudgetResult[] = [];

  check(passed: boolean, budget: string, measured: string): void {
    this.results.push({ passed, budget, measured });
  }

  get failed(): number {
    return this.results.filter((result) => !result.passed).length;
  }

  lines(): string[] {
    return this.results.map((result) => `${result.passed ? 'PASS' : 'FAIL'}  ${result.budget}  (${result.measured})`);
  }
}
