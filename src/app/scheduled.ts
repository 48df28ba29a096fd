/**
 * The adapter of a scheduled function (src/app/function-spec.ts, `ScheduledFunctionSpec`): the
 * EventBridge event in, one run of its service within the function's timeout, one log line with
 * the run's summary out. Lambda and `npm start`'s timer run the same `runScheduled`.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { Deadline } from '../kernel/deadline';
import { failureReason } from '../kernel/errors';
import { logger } from '../kernel/logger';
import type { ScheduledService } from '../kernel/scheduled-service';
import { loadConfig } from './config';
import { createContainer } from './container';
import type { ScheduledFunctionSpec } from './function-spec';

/** Kept back from the timeout: the summary line and the metrics still go out. */
const RUN_MARGIN_MS = 5_000;

export type ScheduledHandler = (
  event: unknown,
  context?: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
) => Promise<Record<string, number | boolean>>;

/** One run of a scheduled service; a failure of the run as a whole is logged and thrown (the function's error alarm). */
export async function runScheduled(
  service: ScheduledService,
  options: { runId: string; budgetMs: number; lambdaRemainingMs?: number },
): Promise<Record<string, number | boolean>> {
  const deadline = Deadline.forInvocation(options.budgetMs, options.lambdaRemainingMs === undefined ? undefined : options.lambdaRemainingMs - RUN_MARGIN_MS);
  try {
    const summary = await service.run({ runId: options.runId, deadline });
    // A run that found nothing to do says so only at DEBUG: every few minutes, for ever.
    const quiet = Object.values(summary).every((value) => value === 0 || value === false);
    (quiet ? logger.debug : logger.info).call(logger, `${service.name} run finished`, { run_id: options.runId, ...summary });
    return summary;
  } catch (error) {
    logger.error(`${service.name} run failed`, { run_id: options.runId, reason: failureReason(error), error: error instanceof Error ? error.name : 'unknown' });
    throw error;
  }
}

/** The Lambda handler of a scheduled function, built once per container. */
export function scheduledHandler(spec: ScheduledFunctionSpec): ScheduledHandler {
  let service: ScheduledService | undefined;
  let initError: unknown;
  try {
    service = spec.service(createContainer(loadConfig(process.env, 'scheduled')));
  } catch (error) {
    initError = error;
  }
  return async (_event, context) => {
    if (service === undefined) {
      logger.error('function is misconfigured', { function: spec.slug, error: initError instanceof Error ? initError.message : String(initError) });
      throw initError;
    }
    return runScheduled(service, {
      runId: context?.awsRequestId ?? randomUUID(),
      budgetMs: spec.timeoutSeconds * 1000 - RUN_MARGIN_MS,
      lambdaRemainingMs: context?.getRemainingTimeInMillis(),
    });
  };
}
