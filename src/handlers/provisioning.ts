import { lambdaHandler } from '../app/lambda';
import { ProvisioningService } from '../services/provisioning-service';

export const handler = lambdaHandler('provisioning', (deps) => new ProvisioningService(deps));
