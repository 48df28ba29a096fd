/**
 * Every deployed function. Handlers import their own spec file, never this list, so a bundle
 * holds one service only.
 */
import type { ScheduledFunctionSpec, WebhookFunctionSpec } from '../function-spec';
import { DEPROVISIONING } from './deprovisioning';
import { EXPIRY_SWEEPER } from './expiry-sweeper';
import { PRE_APPROVAL } from './pre-approval';
import { PROVISIONING } from './provisioning';
import { REQUEST_VALIDATION } from './request-validation';
import { STATE_SYNC } from './state-sync';

export const WEBHOOK_FUNCTIONS: readonly WebhookFunctionSpec[] = [PRE_APPROVAL, REQUEST_VALIDATION, PROVISIONING, DEPROVISIONING];

/** Every function run on a schedule rather than called by Lumos. */
export const SCHEDULED_FUNCTIONS: readonly ScheduledFunctionSpec[] = [EXPIRY_SWEEPER, STATE_SYNC];
