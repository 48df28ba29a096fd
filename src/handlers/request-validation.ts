import { REQUEST_VALIDATION } from '../app/functions/request-validation';
import { lambdaHandler } from '../app/lambda';

export const handler = lambdaHandler(REQUEST_VALIDATION);
