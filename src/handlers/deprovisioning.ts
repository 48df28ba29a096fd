import { lambdaHandler } from '../app/lambda';
import { DeprovisioningService } from '../services/deprovisioning-service';

export const handler = lambdaHandler('deprovisioning', (deps) => new DeprovisioningService(deps));
