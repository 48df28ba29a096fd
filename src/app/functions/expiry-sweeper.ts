import { ExpirySweeper } from '../../grants/expiry-sweeper';
import type { ScheduledFunctionSpec } from '../function-spec';
import { dueGrantsOf } from '../parts/due-grants';
import { grantsOf } from '../parts/grants';
import { provisionersOf } from '../parts/provisioners';

/** Removes expired grants and retries pending removals; reads no rules (each grant records its provisioner). */
export const EXPIRY_SWEEPER: ScheduledFunctionSpec = {
  trigger: 'scheduled',
  slug: 'expiry-sweeper',
  description: 'Removes grants whose every hold has expired, and retries pending removals',
  service: (container) =>
    new ExpirySweeper({
      grants: grantsOf(container),
      due: dueGrantsOf(container),
      provisioners: provisionersOf(container),
      audit: container.audit,
      now: container.now,
    }),
  tables: { grants: 'readWriteIndexed', audit: 'append' },
  connectorSecrets: true,
  everyMinutes: (settings) => settings.sweepMinutes,
  // A run stops taking new grants before this (each gets at most 8 s), well before the next run.
  timeoutSeconds: 120,
};
