import { DeprovisioningService } from '../../services/deprovisioning-service';
import type { WebhookFunctionSpec } from '../function-spec';
import { grantsOf } from '../parts/grants';
import { provisionersOf } from '../parts/provisioners';

/** No rules table: it reverses the provisioner recorded on each grant, whatever the rules say now. */
export const DEPROVISIONING: WebhookFunctionSpec = {
  kind: 'deprovisioning',
  slug: 'deprovisioning',
  service: (container) =>
    new DeprovisioningService({ grants: grantsOf(container), provisioners: provisionersOf(container), audit: container.audit, now: container.now }),
  tables: { grants: 'readWrite', audit: 'append' },
  connectorSecrets: true,
};
