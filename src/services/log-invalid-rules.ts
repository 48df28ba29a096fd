import { logger } from '../kernel/logger';
import type { RuleTrace } from '../rules/trace';

/**
 * Every invalid rule item in scope, loudly: an enforced one changes the answer (`consequence`),
 * a shadow one is ignored but must still be fixed before it can be trusted.
 */
export function logInvalidRules(trace: readonly RuleTrace[], consequence: string): void {
  for (const item of trace) {
    if (item.outcome !== 'invalid') continue;
    const fields = { app_id: item.app_id, rule_id: item.rule_id, problems: item.detail };
    if (item.mode === 'shadow') logger.warn('invalid shadow rule item in scope: ignored', fields);
    else logger.error(`invalid rule item in scope: ${consequence}`, fields);
  }
}
