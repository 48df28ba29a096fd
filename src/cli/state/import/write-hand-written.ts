/**
 * An import's writes: each item put only where no synced item holds its key (src/store/hand-written-put.ts),
 * a few at a time. One a sync wrote after the import's check is the source's: kept, and said so,
 * not an error (the sync keeps it current).
 */
import type { Deadline } from '../../../kernel/deadline';
import { inPool } from '../../../kernel/pool';
import { putHandWritten } from '../../../store/hand-written-put';
import type { ShiftItem } from '../../../store/shift-item';
import type { TrainingItem } from '../../../store/training-item';
import type { OpenTables } from '../../shared/open-tables';
import { stateTableError } from './state-write-error';

const AT_ONCE = 8;

export interface HandWrittenWrites<C> {
  written: C[];
  /** Each with the source that synced its key meanwhile (null when its id is not text). */
  kept: { candidate: C; source: string | null }[];
}

export async function writeHandWritten<C extends { item: ShiftItem | TrainingItem }>(
  candidates: readonly C[],
  db: OpenTables,
  deadline: Deadline,
): Promise<HandWrittenWrites<C>> {
  const outcomes = new Map<C, string | null | true>();
  try {
    await inPool(candidates, AT_ONCE, async (candidate) => {
      const put = await putHandWritten(db.documents, db.required, candidate.item, deadline);
      outcomes.set(candidate, put.written ? true : put.source);
    });
  } catch (error) {
    throw stateTableError(error, 'writing', db);
  }
  // In the file's order, whatever order the puts finished in.
  const writes: HandWrittenWrites<C> = { written: [], kept: [] };
  for (const candidate of candidates) {
    const outcome = outcomes.get(candidate);
    if (outcome === true) writes.written.push(candidate);
    else if (outcome !== undefined) writes.kept.push({ candidate, source: outcome });
  }
  return writes;
}
