/**
 * Which tables a table command works on, for every CLI (lumos-rules, lumos-state): DynamoDB Local
 * (`--endpoint URL` and the table names, region `local` and dummy credentials unless `--region`
 * is given, as `npm start` creates them) or a deployed stack (`--stack NAME`: the table names
 * from its outputs, region and credentials from the SDK's default chain). Each command names the
 * one table it cannot do without; the others are taken when given or in the stack's outputs.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MARSHALL_OPTIONS } from '../../store/dynamo-client';
import { TableError, tableError } from './table-error';
import { UsageError } from './usage-error';

export type TableOption = 'rulesTable' | 'auditTable' | 'stateTable' | 'grantsTable';

/** The stack's outputs named by lib/webhook-stack.ts (`<Id>TableName`), and the flags that name a table locally. */
const OUTPUTS: Record<TableOption, string> = {
  rulesTable: 'RulesTableName',
  auditTable: 'AuditTableName',
  stateTable: 'StateTableName',
  grantsTable: 'GrantsTableName',
};
export const TABLE_FLAGS: Record<TableOption, string> = {
  rulesTable: '--rules-table',
  auditTable: '--audit-table',
  stateTable: '--state-table',
  grantsTable: '--grants-table',
};
const TABLE_OPTIONS = Object.keys(OUTPUTS) as TableOption[];

export interface TablesOptions extends Partial<Record<TableOption, string>> {
  endpoint?: string;
  region?: string;
  stack?: string;
}

export interface OpenTables {
  documents: DynamoDBDocumentClient;
  /** For rule items: every number read exactly (`NumberValue`), so a write's condition compares exact values. */
  ruleDocuments: DynamoDBDocumentClient;
  /** The name of the table the command required. */
  required: string;
  /** Every table named: the required one, the others when given or in the stack's outputs. */
  tables: Partial<Record<TableOption, string>>;
  /** Where, for messages: the endpoint or the stack. */
  where: string;
  /** With `--stack`, every output of the stack by name (settings beyond the tables, e.g. `SourceSecretPrefix`); locally none. */
  stackOutputs: Readonly<Record<string, string>>;
  /** Against AWS, who is calling; locally, nobody. */
  callerArn(): Promise<string | undefined>;
  close(): void;
}

/**
 * Two document clients, each over a client of its own: document clients made from one client
 * share its middleware, and the last one's number handling would apply to both.
 */
function documentClients(makeClient: () => DynamoDBClient): Pick<OpenTables, 'documents' | 'ruleDocuments' | 'close'> {
  const clients = [makeClient(), makeClient()] as const;
  return {
    documents: DynamoDBDocumentClient.from(clients[0], { marshallOptions: { ...MARSHALL_OPTIONS } }),
    ruleDocuments: DynamoDBDocumentClient.from(clients[1], { marshallOptions: { ...MARSHALL_OPTIONS }, unmarshallOptions: { wrapNumbers: true } }),
    close: () => {
      for (const client of clients) client.destroy();
    },
  };
}

const given = (options: TablesOptions, lookUp: (option: TableOption) => string | undefined): Partial<Record<TableOption, string>> =>
  Object.fromEntries(
    TABLE_OPTIONS.flatMap((option) => {
      const name = options[option] ?? lookUp(option);
      return name === undefined ? [] : [[option, name]];
    }),
  );

export async function resolveTables(options: TablesOptions, required: TableOption): Promise<OpenTables> {
  if (options.stack !== undefined && options.endpoint !== undefined) throw new UsageError('give --endpoint or --stack, not both');
  if (options.endpoint !== undefined) return localTables(options.endpoint, options, required);
  if (options.stack !== undefined) return stackTables(options.stack, options, required);
  throw new UsageError(`which tables? give --endpoint URL ${TABLE_FLAGS[required]} NAME (DynamoDB Local, as \`npm start\` prints), or --stack NAME`);
}

function localTables(endpoint: string, options: TablesOptions, required: TableOption): OpenTables {
  if (!/^https?:\/\/[^/]/i.test(endpoint)) throw new UsageError(`--endpoint ${JSON.stringify(endpoint)} is not an http(s) URL`);
  const name = options[required];
  if (name === undefined) throw new UsageError(`--endpoint needs ${TABLE_FLAGS[required]} NAME (as the \`npm start\` banner prints)`);
  const makeClient = () =>
    new DynamoDBClient({ endpoint, region: options.region ?? 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 });
  return {
    ...documentClients(makeClient),
    required: name,
    tables: given(options, () => undefined),
    where: endpoint,
    stackOutputs: {},
    callerArn: async () => undefined,
  };
}

async function stackTables(stack: string, options: TablesOptions, required: TableOption): Promise<OpenTables> {
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
      throw new TableError(`stack ${stack} not found (check --stack and the region: --region or AWS_REGION)`);
    throw tableError(error, `reading the outputs of stack ${stack}`, 'CloudFormation');
  } finally {
    cloudFormation.destroy();
  }
  const tables = given(options, (option) => outputs[OUTPUTS[option]]);
  const name = tables[required];
  if (name === undefined) throw new TableError(`stack ${stack} has no ${OUTPUTS[required]} output: is it this project's stack?`);
  return {
    ...documentClients(() => new DynamoDBClient({ ...region, maxAttempts: 3 })),
    required: name,
    tables,
    where: `stack ${stack}`,
    stackOutputs: outputs,
    callerArn: async () => {
      const sts = new STSClient(region);
      try {
        return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
      } catch (error) {
        throw tableError(error, 'finding who is calling (STS)', 'AWS');
      } finally {
        sts.destroy();
      }
    },
  };
}
