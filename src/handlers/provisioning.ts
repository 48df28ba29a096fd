import { PROVISIONING } from '../app/functions/provisioning';
import { lambdaHandler } from '../app/lambda';

export const handler = lambdaHandler(PROVISIONING);
