import { PreApprovalService } from '../../services/pre-approval-service';
import type { WebhookFunctionSpec } from '../function-spec';

export const PRE_APPROVAL: WebhookFunctionSpec = {
  kind: 'pre_approval',
  slug: 'pre-approval',
  service: (deps) => new PreApprovalService(deps),
  tables: { rules: 'read', state: 'read', audit: 'append' },
};
