/** A grant as the functions read it: through the ledger, parsed at the boundary (src/grants/grant-item.ts), never cast. */
import type { GrantItem, GrantKey } from '../../src/grants/grant-item';
import { DynamoGrantLedger } from '../../src/grants/grant-ledger';
import { Deadline } from '../../src/kernel/deadline';
import { testDocumentClient } from './tables';

/** The grant at `key` in the grants table, read consistently; undefined when there is none. */
export async function grantAt(grantsTable: string, key: GrantKey): Promise<GrantItem | undefined> {
  return (await new DynamoGrantLedger(testDocumentClient(), grantsTable).get(key, new Deadline(5_000))) ?? undefined;
}
