import type { Deadline } from './deadline';

/** One run of a scheduled function, as every layer below its adapter sees it. */
export interface RunContext {
  /** Names the run in logs and in the audit items it writes. */
  runId: string;
  /** The whole run's budget: the function's timeout less a margin. */
  deadline: Deadline;
}

/** A scheduled function's work (the expiry sweeper, the state sync): no payload in, a summary out for its log line. */
export interface ScheduledService {
  /** The job's name in logs and metrics. */
  readonly name: string;
  run(context: RunContext): Promise<Record<string, number | boolean>>;
}
