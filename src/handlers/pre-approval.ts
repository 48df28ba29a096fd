import { lambdaHandler } from '../app/lambda';
import { PreApprovalService } from '../services/pre-approval-service';

export const handler = lambdaHandler('pre_approval', (deps) => new PreApprovalService(deps));
