import type { Deadline } from '../kernel/deadline';
import { type FailureReason, failureReason } from '../kernel/errors';
import { logger } from '../kernel/logger';
import type { GrantItem } from './grant-item';
import type { GrantLedger } from './grant-ledger';

/** `lost`: the mark is no longer ours (it expired and another call took over); `failed`: the write failed, and why. */
export type MarkOutcome = 'written' | 'lost' | { failed: FailureReason };

/**
 * Writes what became of a target call over our own `granting` or `revoking` mark, conditional on
 * its version. Never throws: a mark left behind expires into `pending_removal`, which is safe
 * (the access reads as possibly there until a removal confirms it gone).
 */
export async function writeOverMark(
  grants: GrantLedger,
  settled: GrantItem,
  markVersion: number,
  deadline: Deadline,
  work: 'grant' | 'removal',
): Promise<MarkOutcome> {
  try {
    if (await grants.save(settled, markVersion, deadline)) return 'written';
    logger.warn(work === 'grant' ? 'grant changed while it was being granted' : 'grant changed while its removal was under way', {
      app_instance: settled.app_instance,
      state: settled.state,
    });
    return 'lost';
  } catch (error) {
    logger.error(`outcome of a ${work} not recorded`, {
      app_instance: settled.app_instance,
      state: settled.state,
      error: error instanceof Error ? error.name : 'unknown',
    });
    return { failed: failureReason(error) };
  }
}
