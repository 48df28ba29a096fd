import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { metrics } from '../audit/call-metrics';
import { fromProxyEvent, toProxyResult } from '../http/api-gateway';
import { createPipeline, type Pipeline, replyOutcome } from '../http/pipeline';
import { failureReason } from '../kernel/errors';
import { logger } from '../kernel/logger';
import { replies } from '../lumos/replies';
import type { KindService } from '../services/kind-service';
import { loadConfig } from './config';
import { type Container, createContainer } from './container';
import type { WebhookFunctionSpec } from './function-spec';

export type LambdaHandler = (
  event: APIGatewayProxyEvent,
  context?: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
) => Promise<APIGatewayProxyResult>;

/** Builds a kind's pipeline from its dependencies (shared by Lambda and the local runtime). */
export function buildPipeline(container: Container, service: KindService): Pipeline {
  const { config } = container;
  return createPipeline(service, {
    tokens: container.tokens,
    authHeader: config.AUTH_HEADER,
    deadlineMs: config.DEADLINE_MS,
    audit: container.audit,
    now: container.now,
  });
}

/**
 * The Lambda handler of one function. Everything is built at module load (once per container);
 * a configuration error is kept and answered with the kind's safe reply on every call, so a
 * broken deployment never approves anything and says why in its logs.
 */
export function lambdaHandler(spec: WebhookFunctionSpec): LambdaHandler {
  const { kind } = spec;
  let pipeline: Pipeline | undefined;
  let initError: unknown;
  try {
    const container = createContainer(loadConfig());
    pipeline = buildPipeline(container, spec.service(container));
  } catch (error) {
    initError = error;
  }
  return async (event, context) => {
    if (!pipeline) {
      logger.error('function is misconfigured; answering the safe reply', { kind, error: initError instanceof Error ? initError.message : String(initError) });
      // Unauthenticated at this point: the reason goes to the logs (and the failure alarm) only.
      const reply = replies.failure(kind);
      metrics.count('Failures', { kind, reason: failureReason(initError) });
      metrics.count('Decisions', { kind, outcome: replyOutcome(kind, reply) });
      return toProxyResult(reply);
    }
    const requestId = context?.awsRequestId ?? event.requestContext?.requestId ?? randomUUID();
    const request = fromProxyEvent(event, requestId, context?.getRemainingTimeInMillis());
    return toProxyResult(await pipeline(request));
  };
}
