import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * How long function and API logs are kept: long enough to investigate a month-old incident;
 * the lasting record of every call is the audit table.
 */
export const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;
