import type { KindService } from '../services/kind-service';
import type { Dependencies } from '../app/dependencies';
import { DeprovisioningService } from '../services/deprovisioning-service';
import { PreApprovalService } from '../services/pre-approval-service';
import { ProvisioningService } from '../services/provisioning-service';
import { RequestValidationService } from '../services/request-validation-service';

/** The paths `npm start` serves; each matches a route of the deployed REST API. */
export const LOCAL_ROUTES: ReadonlyArray<{ path: string; service: (deps: Dependencies) => KindService }> = [
  { path: '/pre-approval', service: (deps) => new PreApprovalService(deps) },
  { path: '/request-validation', service: (deps) => new RequestValidationService(deps, deps.config.VALIDATION_FAIL_MODE, deps.config.VALIDATION_MISCONFIGURED_MESSAGE) },
  { path: '/provisioning', service: (deps) => new ProvisioningService(deps) },
  { path: '/deprovisioning', service: (deps) => new DeprovisioningService(deps) },
];
