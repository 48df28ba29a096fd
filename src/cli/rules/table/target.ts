/**
 * Which tables a table command works on: DynamoDB Local (`--endpoint URL --rules-table NAME`,
 * region `local` and dummy credentials unless `--region` is given, as `npm start` creates them)
 * or a deployed stack (`--stack NAME`: the table names from its outputs, region and credentials
 * from the SDK's default chain).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UsageError } from '../../shared/usage-error';
import { TargetError, targetError } from './target-error';

export interface TargetOptions {
  endpoint?: string;
  region?: string;
  stack?: string;
  rulesTable?: string;
  auditTable?: string;
  stateTable?: string;
}

export interface Target {
  documents: DynamoDBDocumentClient;
  /** For rule items: every number read exactly (`NumberValue`), so a write's condition compares exact values. */
  ruleDocuments: DynamoDBDocumentClient;
  rulesTable: string;
  /** Absent when neither given nor in the stack's outputs: plan then skips the replay. */
  auditTable?: string;
  stateTable?: string;
  /** Where, for messages: the endpoint or the stack. */
  where: string;
  /** Against AWS, who is calling (for `updated_by`); locally, nobody. */
  callerArn(): Promise<string | undefined>;
  close(): void;
}

/**
 * Two document clients, each over a client of its own: document clients made from one client
 * share its middleware, and the last one's number handling would apply to both.
 */
function documentClients(makeClient: () => DynamoDBClient): Pick<Target, 'documents' | 'ruleDocuments' | 'close'> {
  const clients = [makeClient(), makeClient()] as const;
  return {
    documents: DynamoDBDocumentClient.from(clients[0], { marshallOptions: { removeUndefinedValues: true } }),
    ruleDocuments: DynamoDBDocumentClient.from(clients[1], { marshallOptions: { removeUndefinedValues: true }, unmarshallOptions: { wrapNumbers: true } }),
    close: () => {
      for (const client of clients) client.destroy();
    },
  };
}

/** The stack's outputs named by lib/webhook-stack.ts: `<Id>TableName`. */
const OUTPUTS = { rulesTable: 'RulesTableName', auditTable: 'AuditTableName', stateTable: 'StateTableName' } as const;

export async function resolveTarget(options: TargetOptions): Promise<Target> {
  if (options.stack !== undefined && options.endpoint !== undefined) throw new UsageError('give --endpoint or --stack, not both');
  if (options.endpoint !== undefined) return localTarget(options.endpoint, options);
  if (options.stack !== undefined) return stackTarget(options.stack, options);
  throw new UsageError('which tables? give --endpoint URL --rules-table NAME (DynamoDB Local, as `npm start` prints), or --stack NAME');
}

/** Whether the options name any table at all (plan without one shows no diff). */
export const namesTarget = (options: TargetOptions): boolean => options.endpoint !== undefined || options.stack !== undefined;

function localTarget(endpoint: string, options: TargetOptions): Target {
  if (!/^https?:\/\/[^/]/i.test(endpoint)) throw new UsageError(`--endpoint ${JSON.stringify(endpoint)} is not an http(s) URL`);
  if (options.rulesTable === undefined) throw new UsageError('--endpoint needs --rules-table NAME (as the `npm start` banner prints)');
  const makeClient = () =>
    new DynamoDBClient({ endpoint, region: options.region ?? 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 });
  return {
    ...documentClients(makeClient),
    rulesTable: options.rulesTable,
    ...(options.auditTable === undefined ? {} : { auditTable: options.auditTable }),
    ...(options.stateTable === undefined ? {} : { stateTable: options.stateTable }),
    where: endpoint,
    callerArn: async () => undefined,
  };
}

async function stackTarget(stack: string, options: TargetOptions): Promise<Target> {
  const region = options.region === undefined ? {} : { region: options.region };
  const cloudFormation = new CloudFormationClient(region);
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
    outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [])),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError')
      throw new TargetError(`stack ${stack} not found (check --stack and the region: --region or AWS_REGION)`);
    throw targetError(error, `reading the outputs of stack ${stack}`, 'CloudFormation');
  } finally {
    cloudFormation.destroy();
  }
  const named = (option: keyof typeof OUTPUTS): string | undefined => options[option] ?? outputs[OUTPUTS[option]];
  const rulesTable = named('rulesTable');
  if (rulesTable === undefined) throw new TargetError(`stack ${stack} has no ${OUTPUTS.rulesTable} output: is it this project's stack?`);
  const auditTable = named('auditTable');
  const stateTable = named('stateTable');
  return {
    ...documentClients(() => new DynamoDBClient({ ...region, maxAttempts: 3 })),
    rulesTable,
    ...(auditTable === undefined ? {} : { auditTable }),
    ...(stateTable === undefined ? {} : { stateTable }),
    where: `stack ${stack}`,
    callerArn: async () => {
      const sts = new STSClient(region);
      try {
        return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
      } catch (error) {
        throw targetError(error, 'finding who is calling (STS)', 'AWS');
      } finally {
        sts.destroy();
      }
    },
  };
}
