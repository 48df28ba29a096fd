import { PRE_APPROVAL } from '../app/functions/pre-approval';
import { lambdaHandler } from '../app/lambda';

export const handler = lambdaHandler(PRE_APPROVAL);
