/**
 * The start plan and apply share: the tables from the options, the proposal computed with a
 * progress bar while the audit is read, and the client closed whatever happens next.
 */
import type { Io } from '../../shared/io';
import { DEFAULT_RULES_PATH } from '../../shared/rule-files';
import { auditProgressBar } from './progress-bar';
import { type Proposal, parseDays, propose } from './proposal';
import { resolveTarget, type Target, type TargetOptions } from './target';
import { targetOptions } from './target-options';

export interface ProposalCommandOptions extends TargetOptions {
  json?: boolean;
  days?: string;
  prune?: boolean;
  showSubjects?: boolean;
}

export async function withProposal(
  io: Io,
  paths: readonly string[],
  options: ProposalCommandOptions,
  use: (proposal: Proposal, target: Target) => Promise<void>,
): Promise<void> {
  const days = parseDays(options.days);
  const target = await resolveTarget(targetOptions(options));
  const progress = auditProgressBar(io, options.json === true);
  try {
    const settings = { days, prune: options.prune === true, showSubjects: options.showSubjects === true };
    const proposal = await propose(paths.length > 0 ? paths : [DEFAULT_RULES_PATH], io.cwd, target, settings, progress);
    progress.stop();
    await use(proposal, target);
  } finally {
    progress.stop();
    target.close();
  }
}
