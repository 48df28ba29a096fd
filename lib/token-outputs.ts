import { Aws, CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { TokenSecret } from './token-secret';

/**
 * Where the token is and how to read it once, never the token itself: outputs are visible to
 * anyone who may describe the stack, and CloudFormation keeps them in its history.
 */
export function addTokenOutputs(scope: Construct, token: TokenSecret): void {
  new CfnOutput(scope, 'TokenSecretId', {
    description: 'Secrets Manager secret holding the token; put its value in Lumos\'s "Custom Headers"',
    value: token.secretId,
  });
  new CfnOutput(scope, 'TokenSecretName', { description: 'Name of the token secret', value: token.name });
  if (token.arn !== undefined) new CfnOutput(scope, 'TokenSecretArn', { description: 'ARN of the token secret', value: token.arn });
  new CfnOutput(scope, 'ReadTokenCommand', {
    description: 'Prints the token once, to paste into Lumos (needs secretsmanager:GetSecretValue on the secret)',
    // The region is named because the shell's default region may not be the stack's.
    value: `aws secretsmanager get-secret-value --secret-id ${token.secretId} --query SecretString --output text --region ${Aws.REGION}`,
  });
}
