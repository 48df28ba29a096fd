import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { WebhookStack } from './webhook-stack';

/**
 * Every cdk-nag (AwsSolutions) finding the stack accepts, with its reason, in one place. Each one
 * is scoped to the constructs it is about and applies only while its cause exists (APIG3 only
 * without WAF, APIG6 only without execution logs), so anything new fails `cdk synth`.
 */
export interface NagAcknowledgement {
  /** The rule, with the finding in brackets for granular rules (IAM5). */
  readonly id: string;
  readonly reason: string;
  /** Constructs whose resources (and their children's) the acknowledgement covers. */
  readonly scopes: readonly IConstruct[];
}

export function nagAcknowledgements(stack: WebhookStack): NagAcknowledgement[] {
  const { api } = stack.webhookApi;
  const acknowledgements: NagAcknowledgement[] = [
    {
      id: 'AwsSolutions-APIG2',
      reason:
        "Request validation at the gateway would answer a malformed call with API Gateway's own 400 and replace the contract's 400/422 replies, which carry each kind's negative answer for Lumos; each function validates the payload against the contract's schema itself.",
      scopes: [api],
    },
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'Lumos can only send a static header (Custom Headers), not sign requests or fetch tokens, so IAM or Cognito authorization cannot apply; each function checks the token header in constant time against the token secret.',
      scopes: [api],
    },
    {
      id: 'AwsSolutions-COG4',
      reason: 'No Cognito user pool: the caller is Lumos with a static token header, which each function checks in constant time.',
      scopes: [api],
    },
  ];

  if (stack.waf === undefined) {
    acknowledgements.push({
      id: 'AwsSolutions-APIG3',
      reason:
        'WAF is off by choice (context waf=true adds a per-IP rate-based web ACL): it has a monthly cost, and the low stage throttling already keeps a leaked URL from draining the account.',
      scopes: [api.deploymentStage],
    });
  }
  if (stack.webhookApi.executionLogs === undefined) {
    acknowledgements.push({
      id: 'AwsSolutions-APIG6',
      reason:
        'Execution logs are opt-in (context apiExecutionLogging=true, at ERROR): the JSON access logs already record every request with its status, error response type and integration error, which the alarms and an investigation use.',
      scopes: [api.deploymentStage],
    });
  }
  if (stack.token.secret instanceof secretsmanager.Secret) {
    acknowledgements.push({
      id: 'AwsSolutions-SMG4',
      reason:
        "The token is pasted by hand into Lumos's Custom Headers, so an automatic rotation would break every webhook until someone pastes the new value; it is rotated by hand without an outage with the multi-token form (old and new accepted while Lumos is updated).",
      scopes: [stack.token.secret],
    });
  }
  // One per prefix: the finding's id names the ARN, so a prefix two groups read is acknowledged once, for both.
  const secretReaders = new Map<string, { reasons: string[]; scopes: IConstruct[] }>();
  const readersOf = (prefix: string, reason: string, scopes: readonly IConstruct[]) => {
    if (scopes.length === 0) return;
    const entry = secretReaders.get(prefix) ?? { reasons: [], scopes: [] };
    entry.reasons.push(reason);
    entry.scopes.push(...scopes);
    secretReaders.set(prefix, entry);
  };
  readersOf(
    stack.connectorSecretPrefix,
    'Connector secrets are created by admins, one per target system, under a fixed name prefix; only the functions that call target systems (provisioning, deprovisioning, the expiry sweeper) may GetSecretValue on secrets under that prefix in this account and region.',
    stack.connectorSecretReaders,
  );
  readersOf(
    stack.sourceSecretPrefix,
    "State sources' secrets (API keys, feed URLs) are created by admins, one per source, under a prefix of their own; only the state sync may GetSecretValue on secrets under that prefix in this account and region, and it may read no connector secret.",
    stack.sourceSecretReaders,
  );
  if (stack.legacySourceSecretPrefix !== undefined) {
    readersOf(
      stack.legacySourceSecretPrefix,
      "While a deployment moves its state sources' secrets (legacySourceSecretPrefix, docs/deploy.md), the state sync may also GetSecretValue under the old prefix; each read is counted as a warning, and the setting is removed once the secrets are moved.",
      stack.sourceSecretReaders,
    );
  }
  for (const [prefix, { reasons, scopes }] of secretReaders) {
    acknowledgements.push({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*]`,
      reason: reasons.join(' '),
      scopes,
    });
  }
  return acknowledgements;
}

/** Records the acknowledgements where cdk-nag reads them (construct metadata). */
export function applyNagAcknowledgements(acknowledgements: readonly NagAcknowledgement[]): void {
  for (const { id, reason, scopes } of acknowledgements) {
    for (const scope of scopes) Validations.of(scope).acknowledge({ id, reason });
  }
}
