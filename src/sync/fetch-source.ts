/**
 * One entry for the sync: the secret's text parsed for the source's type, then the fetcher of
 * that type. A secret that does not parse fails the run as `misconfigured`, its message naming
 * the secret and the field, never its value.
 */
import type { FetchRunOptions } from './fetch-run';
import type { SourceItem } from './source-item';
import { parseSourceSecret, SourceSecretError } from './source-secret';
import { fetchIcsShifts } from './sources/ics';
import { fetchIncidentIoShifts } from './sources/incidentio';
import { fetchKnowBe4Training } from './sources/knowbe4';
import { fetchPagerDutyShifts } from './sources/pagerduty';
import { SourceFetchError, type SyncedShift, type SyncedTraining, type SyncRun, shiftCollector, trainingCollector } from './sync-result';

export type SourceRun = { kind: 'shifts'; run: SyncRun<SyncedShift> } | { kind: 'training'; run: SyncRun<SyncedTraining> };

export async function fetchSource(source: SourceItem, secretText: string, options: FetchRunOptions): Promise<SourceRun> {
  const kind = source.type === 'knowbe4' ? 'training' : 'shifts';
  try {
    switch (source.type) {
      case 'pagerduty':
        return { kind: 'shifts', run: await fetchPagerDutyShifts(source, parseSourceSecret('pagerduty', source.secret, secretText), options) };
      case 'incidentio':
        return { kind: 'shifts', run: await fetchIncidentIoShifts(source, parseSourceSecret('incidentio', source.secret, secretText), options) };
      case 'ics':
        return { kind: 'shifts', run: await fetchIcsShifts(source, parseSourceSecret('ics', source.secret, secretText), options) };
      case 'knowbe4':
        return { kind: 'training', run: await fetchKnowBe4Training(source, parseSourceSecret('knowbe4', source.secret, secretText), options) };
    }
  } catch (error) {
    if (!(error instanceof SourceSecretError)) throw error;
    const failure = new SourceFetchError('misconfigured', error.message);
    return kind === 'training' ? { kind, run: trainingCollector().failed(failure) } : { kind, run: shiftCollector().failed(failure) };
  }
}
