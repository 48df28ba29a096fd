/**
 * An import writes only where no sync does: an item a source synced under the same key is the
 * source's (overwriting it would take it out of the sync's hands), so that row is rejected with
 * the source named, and the others go on.
 */
import type { Deadline } from '../../../kernel/deadline';
import type { SyncedStateStore } from '../../../store/synced-state-store';
import type { OpenTables } from '../../shared/open-tables';
import type { Rejection } from './rejection';
import { stateTableError } from './state-write-error';

interface Candidate {
  item: { pk: string; sk: string };
}

export async function notSynced<C extends Candidate>(
  candidates: readonly C[],
  store: Pick<SyncedStateStore, 'existing'>,
  db: OpenTables,
  deadline: Deadline,
  rejectionOf: (candidate: C, source: string) => Rejection,
  rejected: Rejection[],
): Promise<C[]> {
  const keyOf = ({ pk, sk }: { pk: string; sk: string }) => `${pk}\n${sk}`;
  let synced: Map<string, string>;
  try {
    const existing = await store.existing(
      candidates.map(({ item }) => item),
      deadline,
    );
    synced = new Map(existing.flatMap((item) => (item.source === undefined ? [] : [[keyOf(item), item.source] as const])));
  } catch (error) {
    throw stateTableError(error, 'reading', db);
  }
  return candidates.filter((candidate) => {
    const source = synced.get(keyOf(candidate.item));
    if (source !== undefined) rejected.push(rejectionOf(candidate, source));
    return source === undefined;
  });
}
