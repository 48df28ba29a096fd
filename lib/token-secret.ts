import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** The secret holding the token(s) Lumos sends, as the functions and their policies need it. */
export interface TokenSecret {
  readonly secret: secretsmanager.ISecret;
  /** What the function passes to GetSecretValue (`TOKEN_SECRET_ID`). */
  readonly secretId: string;
  /** The only resource the functions may read it from. */
  readonly readArn: string;
  /** The secret's name, as the Secrets Manager console lists it. */
  readonly name: string;
  /** The secret's full ARN; unknown for an imported secret (its random suffix is not in the template). */
  readonly arn: string | undefined;
}

/**
 * Imports an existing secret by name when one is given (the admin manages its value), else
 * creates one with a generated value for the admin to copy into Lumos's "Custom Headers".
 */
export function tokenSecret(scope: Construct, existingName?: string): TokenSecret {
  if (existingName !== undefined) {
    const secret = secretsmanager.Secret.fromSecretNameV2(scope, 'TokenSecret', existingName);
    // A name-only reference lacks the random six-character suffix Secrets Manager appends.
    const readArn = Stack.of(scope).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${existingName}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    return { secret, secretId: existingName, readArn, name: existingName, arn: undefined };
  }
  const secret = new secretsmanager.Secret(scope, 'TokenSecret', {
    description: 'Token Lumos sends in the webhook auth header',
    generateSecretString: { excludePunctuation: true, passwordLength: 48 },
  });
  return { secret, secretId: secret.secretArn, readArn: secret.secretArn, name: secret.secretName, arn: secret.secretArn };
}
