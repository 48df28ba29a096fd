import { SecretsManagerConnectorSecrets } from '../../provisioners/connector-secrets';
import { ProvisionerDispatch } from '../../provisioners/dispatch';
import { HttpProvisioner } from '../../provisioners/http-provisioner';
import { perContainer } from '../container';

export const provisionersOf = perContainer(
  (container) =>
    new ProvisionerDispatch(new HttpProvisioner(new SecretsManagerConnectorSecrets(container.secretsManager, container.config.CONNECTOR_SECRET_PREFIX))),
);
