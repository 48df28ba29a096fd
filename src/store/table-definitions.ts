/**
 * Keys, indexes and TTL attributes of every table, written once: the CDK stack and the local
 * runtime (and the tests) both create tables from these definitions. All keys are strings.
 */
export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export interface TableDefinition {
  /** Logical name; the deployed table name comes from the stack or the local prefix. */
  id: 'rules' | 'state' | 'audit' | 'grants';
  /** Environment variable through which a function learns the table's name. */
  envVar: 'RULES_TABLE' | 'STATE_TABLE' | 'AUDIT_TABLE' | 'GRANTS_TABLE';
  partitionKey: string;
  sortKey: string;
  /** Epoch-seconds attribute DynamoDB deletes by (lazily: readers also check the ISO end time). */
  ttlAttribute?: string;
  indexes: IndexDefinition[];
}

/** Rule items: partition `app_id` (`*` = every app), sort `rule_id`. */
export const RULES_TABLE: TableDefinition = {
  id: 'rules',
  envVar: 'RULES_TABLE',
  partitionKey: 'app_id',
  sortKey: 'rule_id',
  indexes: [],
};

/** On-call shifts (`oncall#<schedule>` / `<email>#<starts_at>`) and, later, training records. */
export const STATE_TABLE: TableDefinition = {
  id: 'state',
  envVar: 'STATE_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  indexes: [],
};

/** One item per webhook call: partition `app_id`, sort `at` (ISO time + request id); by subject too. */
export const AUDIT_TABLE: TableDefinition = {
  id: 'audit',
  envVar: 'AUDIT_TABLE',
  partitionKey: 'app_id',
  sortKey: 'at',
  ttlAttribute: 'ttl',
  indexes: [{ name: 'by_subject', partitionKey: 'subject', sortKey: 'at' }],
};

/**
 * The entitlement ledger: one item per (app instance, person, permission), readable with one
 * GetItem by internal tools (docs/provisioning.md, "The grants ledger"). The sparse index `due`
 * (bucket, ISO time) holds only grants with access still owed a removal, for the expiry sweeper
 * (src/grants/due-index.ts). TTL is set only once the access is gone.
 */
export const GRANTS_TABLE: TableDefinition = {
  id: 'grants',
  envVar: 'GRANTS_TABLE',
  partitionKey: 'app_instance',
  sortKey: 'subject_permission',
  ttlAttribute: 'ttl',
  indexes: [{ name: 'due', partitionKey: 'due_bucket', sortKey: 'due_at' }],
};

export const TABLE_DEFINITIONS: readonly TableDefinition[] = [RULES_TABLE, STATE_TABLE, AUDIT_TABLE, GRANTS_TABLE];
