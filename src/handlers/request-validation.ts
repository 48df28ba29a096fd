import { lambdaHandler } from '../app/lambda';
import { RequestValidationService } from '../services/request-validation-service';

export const handler = lambdaHandler('request_validation', (deps) => new RequestValidationService(deps, deps.config.VALIDATION_FAIL_MODE, deps.config.VALIDATION_MISCONFIGURED_MESSAGE));
