import { PreApprovalService } from '../../services/pre-approval-service';
import type { WebhookFunctionSpec } from '../function-spec';
import { rulesOf } from '../parts/rules';
import { stateSourceOf } from '../parts/state-source';

export const PRE_APPROVAL: WebhookFunctionSpec = {
  kind: 'pre_approval',
  slug: 'pre-approval',
  service: (container) => new PreApprovalService({ rules: rulesOf(container), state: stateSourceOf(container), audit: container.audit }),
  tables: { rules: 'read', state: 'read', audit: 'append' },
};
