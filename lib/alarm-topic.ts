import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Where alarm notifications go; the address confirms the subscription from the first e-mail. */
  readonly email: string;
}

/**
 * The SNS topic the alarms notify, with one e-mail subscription. Encrypted with a key of its own
 * because CloudWatch cannot publish to a topic under the AWS managed SNS key (its policy cannot
 * name CloudWatch); HTTPS only.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    // Only this account's alarms may use the key and the topic (no confused deputy).
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': account } };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');

    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the webhook alarm notifications topic',
      enableKeyRotation: true,
      // The key protects notifications in flight only; nothing stays encrypted under it.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true });
    // enforceSSL gives the topic a policy of its own, which replaces the default one CloudWatch used.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisAccount,
      }),
    );
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }
}
