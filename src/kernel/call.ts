import type { Deadline } from './deadline';

/** One webhook call as every layer below the pipeline sees it. */
export interface CallContext {
  requestId: string;
  deadline: Deadline;
  /** When the call arrived, by the deployment's clock: the one instant its decision and audit item use. */
  at: Date;
  /** Epoch ms of arrival by the machine's own clock, for the audit item's latency. */
  receivedAt: number;
}
