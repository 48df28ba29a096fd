import { ProvisioningService } from '../../services/provisioning-service';
import type { WebhookFunctionSpec } from '../function-spec';

export const PROVISIONING: WebhookFunctionSpec = {
  kind: 'provisioning',
  slug: 'provisioning',
  service: (deps) => new ProvisioningService(deps),
  tables: { rules: 'read', grants: 'readWrite', audit: 'append' },
  connectorSecrets: true,
};
