import { DEPROVISIONING } from '../app/functions/deprovisioning';
import { lambdaHandler } from '../app/lambda';

export const handler = lambdaHandler(DEPROVISIONING);
