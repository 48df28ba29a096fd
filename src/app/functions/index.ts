/**
 * Every deployed function. Handlers import their own spec file, never this list, so a bundle
 * holds one service only.
 */
import type { WebhookFunctionSpec } from '../function-spec';
import { DEPROVISIONING } from './deprovisioning';
import { PRE_APPROVAL } from './pre-approval';
import { PROVISIONING } from './provisioning';
import { REQUEST_VALIDATION } from './request-validation';

export const WEBHOOK_FUNCTIONS: readonly WebhookFunctionSpec[] = [PRE_APPROVAL, REQUEST_VALIDATION, PROVISIONING, DEPROVISIONING];
