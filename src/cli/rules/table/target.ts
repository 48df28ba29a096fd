/**
 * Which tables a rules command works on (src/cli/shared/table-target.ts resolves them): DynamoDB
 * Local (`--endpoint URL --rules-table NAME`) or a deployed stack (`--stack NAME`).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { resolveTables } from '../../shared/table-target';

export interface TargetOptions {
  endpoint?: string;
  region?: string;
  stack?: string;
  rulesTable?: string;
  auditTable?: string;
  stateTable?: string;
}

export interface Target {
  documents: DynamoDBDocumentClient;
  /** For rule items: every number read exactly (`NumberValue`), so a write's condition compares exact values. */
  ruleDocuments: DynamoDBDocumentClient;
  rulesTable: string;
  /** Absent when neither given nor in the stack's outputs: plan then skips the replay. */
  auditTable?: string;
  stateTable?: string;
  /** Where, for messages: the endpoint or the stack. */
  where: string;
  /** Against AWS, who is calling (for `updated_by`); locally, nobody. */
  callerArn(): Promise<string | undefined>;
  close(): void;
}

/** The rules commands' tables: the rules table always, the audit and state tables when given or in the stack's outputs. */
export async function resolveTarget(options: TargetOptions): Promise<Target> {
  const { tables, required, ...resolved } = await resolveTables(options, 'rulesTable');
  return {
    ...resolved,
    rulesTable: required,
    ...(tables.auditTable === undefined ? {} : { auditTable: tables.auditTable }),
    ...(tables.stateTable === undefined ? {} : { stateTable: tables.stateTable }),
  };
}

/** Whether the options name any table at all (plan without one shows no diff). */
export const namesTarget = (options: TargetOptions): boolean => options.endpoint !== undefined || options.stack !== undefined;
