import { RequestValidationService } from '../../services/request-validation-service';
import type { WebhookFunctionSpec } from '../function-spec';
import { rulesOf } from '../parts/rules';
import { stateSourceOf } from '../parts/state-source';

export const REQUEST_VALIDATION: WebhookFunctionSpec = {
  kind: 'request_validation',
  slug: 'request-validation',
  service: (container) =>
    new RequestValidationService(
      { rules: rulesOf(container), state: stateSourceOf(container), audit: container.audit },
      container.config.VALIDATION_FAIL_MODE,
      container.config.VALIDATION_MISCONFIGURED_MESSAGE,
    ),
  tables: { rules: 'read', state: 'read', audit: 'append' },
  environment: (settings) => ({
    VALIDATION_FAIL_MODE: settings.validationFailMode,
    ...(settings.validationMisconfiguredMessage === undefined ? {} : { VALIDATION_MISCONFIGURED_MESSAGE: settings.validationMisconfiguredMessage }),
  }),
};
