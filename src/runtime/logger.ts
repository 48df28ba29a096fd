import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs; never pass a header value, token or raw body to it. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'lumos-webhooks' });
