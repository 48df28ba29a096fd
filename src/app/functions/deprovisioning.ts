import { DeprovisioningService } from '../../services/deprovisioning-service';
import type { WebhookFunctionSpec } from '../function-spec';

/** No rules table: it reverses the provisioner recorded on each grant, whatever the rules say now. */
export const DEPROVISIONING: WebhookFunctionSpec = {
  kind: 'deprovisioning',
  slug: 'deprovisioning',
  service: (deps) => new DeprovisioningService(deps),
  tables: { grants: 'readWrite', audit: 'append' },
  connectorSecrets: true,
};
