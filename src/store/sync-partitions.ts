/**
 * The state-table partitions the state sync works in, as IAM `dynamodb:LeadingKeys` patterns
 * (`*` matches any text): the stack lets the sync's role read and write nothing else. It owns the
 * synced shifts and training records and its sources' statuses; the source items are the admins'
 * (read only). IAM separates partitions only: inside `oncall#…` and `training#…`, hand-written
 * items are kept safe by the writes' condition expressions (src/store/synced-state-store.ts).
 */
import { SOURCE_STATUS_PARTITION, SOURCES_PARTITION } from './source-store';
import { shiftPartition, trainingPartition } from './state-keys';

/** Partitions the sync writes (conditional PutItem, UpdateItem, DeleteItem). */
export const SYNC_WRITE_PARTITIONS: readonly string[] = [shiftPartition('*'), trainingPartition('*'), SOURCE_STATUS_PARTITION];

/** Partitions the sync reads (Query): the source items, their statuses, and a schedule's shifts. Training records are only ever put, never read. */
export const SYNC_READ_PARTITIONS: readonly string[] = [SOURCES_PARTITION, SOURCE_STATUS_PARTITION, shiftPartition('*')];
