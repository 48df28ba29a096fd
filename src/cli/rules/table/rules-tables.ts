/**
 * Which tables a rules command works on (src/cli/shared/open-tables.ts resolves them): DynamoDB
 * Local (`--endpoint URL --rules-table NAME`) or a deployed stack (`--stack NAME`).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TablesOptions } from '../../shared/open-tables';
import { openTables, RULES_TABLES } from '../../shared/table-options';

export interface RulesTables {
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
export async function openRulesTables(options: TablesOptions): Promise<RulesTables> {
  const { tables, required, ...resolved } = await openTables(options, RULES_TABLES);
  return {
    ...resolved,
    rulesTable: required,
    ...(tables.auditTable === undefined ? {} : { auditTable: tables.auditTable }),
    ...(tables.stateTable === undefined ? {} : { stateTable: tables.stateTable }),
  };
}
