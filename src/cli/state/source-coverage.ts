/**
 * Where a source's synced items can be, read from its status (the names its last recorded run
 * covered) and its source item (the names it maps now), leniently: a source being removed may be
 * malformed, and a name either lists is worth looking in. Schedules alone mean a Query per
 * schedule partition; training records (per person) or nothing known mean a Scan.
 */
import type { SourceRecords } from '../../store/source-removal';

export type SourceCoverage = { schedules: string[] } | { scan: true };

export function sourceCoverage({ item, status }: SourceRecords): SourceCoverage {
  const schedules = new Set([...texts(status?.schedules), ...texts(item?.schedules), ...texts([item?.schedule])]);
  const training = texts(status?.courses).length > 0 || item?.type === 'knowbe4' || texts(item?.campaigns).length > 0 || texts(item?.modules).length > 0;
  return schedules.size > 0 && !training ? { schedules: [...schedules].sort() } : { scan: true };
}

/** The text values of a list, or of a mapping's values; nothing for anything else. */
function texts(value: unknown): string[] {
  const values = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : [];
  return values.filter((name): name is string => typeof name === 'string' && name !== '');
}
