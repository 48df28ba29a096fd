import { StateSyncJob } from '../../sync/sync-job';
import type { ScheduledFunctionSpec } from '../function-spec';
import { stateSyncOf } from '../parts/state-sync';

/** Keeps on-call shifts and training records current from their sources (docs/state-sources.md); reads no rules, no grants. */
export const STATE_SYNC: ScheduledFunctionSpec = {
  trigger: 'scheduled',
  slug: 'state-sync',
  description: 'Syncs on-call shifts and training records from their sources into the state table',
  service: (container) => new StateSyncJob(stateSyncOf(container), container.now),
  tables: { state: 'sync' },
  // Its sources' API keys only: no provisioner's connector secret.
  sourceSecrets: true,
  everyMinutes: (settings) => settings.stateSyncMinutes,
  // Each source gets the run's deadline less a reserve for its status; a slow API fails that source only.
  timeoutSeconds: 120,
};
