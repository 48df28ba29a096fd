/** A pre-approval pipeline wired by hand on fresh tables, for tests that choose its token source, header or metrics. */
import { createPipeline, type Pipeline, type PipelineOptions } from '../../src/http/pipeline';
import { PreApprovalService } from '../../src/services/pre-approval-service';
import { DynamoAuditSink } from '../../src/store/audit-sink';
import { createDocumentClient } from '../../src/store/dynamo-client';
import { DynamoRuleSource } from '../../src/store/rule-source';
import { DynamoStateSource } from '../../src/store/state-source';
import { createTestTables } from './tables';

export async function preApprovalPipeline(options: Omit<PipelineOptions, 'audit' | 'deadlineMs'>): Promise<Pipeline> {
  const { endpoint, tables } = await createTestTables();
  const client = createDocumentClient(endpoint);
  const audit = new DynamoAuditSink(client, tables.AUDIT_TABLE, 400);
  const service = new PreApprovalService({
    rules: new DynamoRuleSource(client, tables.RULES_TABLE, 15_000),
    state: new DynamoStateSource(client, tables.STATE_TABLE),
    audit,
  });
  return createPipeline(service, { ...options, deadlineMs: 5_000, audit });
}
