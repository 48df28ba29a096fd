import { RequestValidationService } from '../../services/request-validation-service';
import type { WebhookFunctionSpec } from '../function-spec';

export const REQUEST_VALIDATION: WebhookFunctionSpec = {
  kind: 'request_validation',
  slug: 'request-validation',
  service: (deps) => new RequestValidationService(deps, deps.config.VALIDATION_FAIL_MODE, deps.config.VALIDATION_MISCONFIGURED_MESSAGE),
  tables: { rules: 'read', state: 'read', audit: 'append' },
  environment: (settings) => ({
    VALIDATION_FAIL_MODE: settings.validationFailMode,
    ...(settings.validationMisconfiguredMessage === undefined ? {} : { VALIDATION_MISCONFIGURED_MESSAGE: settings.validationMisconfiguredMessage }),
  }),
};
