import { ProvisioningService } from '../../services/provisioning-service';
import type { WebhookFunctionSpec } from '../function-spec';
import { grantsOf } from '../parts/grants';
import { provisionersOf } from '../parts/provisioners';
import { rulesOf } from '../parts/rules';

export const PROVISIONING: WebhookFunctionSpec = {
  kind: 'provisioning',
  slug: 'provisioning',
  service: (container) =>
    new ProvisioningService({
      rules: rulesOf(container),
      grants: grantsOf(container),
      provisioners: provisionersOf(container),
      audit: container.audit,
      now: container.now,
    }),
  tables: { rules: 'read', grants: 'readWrite', audit: 'append' },
  connectorSecrets: true,
};
