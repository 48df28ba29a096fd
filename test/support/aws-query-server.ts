/**
 * CloudFormation's DescribeStacks and STS's GetCallerIdentity on a loopback server, speaking
 * their query protocol (form-encoded `Action=…` in, XML out) as the real services do, so the
 * CLI's `--stack` path runs through the real SDK clients here, where AWS cannot be reached.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsQueryServer {
  endpoint: string;
  /** Every `Action` received, in order. */
  actions: string[];
  close(): Promise<void>;
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function describeStacks(name: string, outputs: Record<string, string>): string {
  const members = Object.entries(outputs)
    .map(([key, value]) => `<member><OutputKey>${xmlText(key)}</OutputKey><OutputValue>${xmlText(value)}</OutputValue></member>`)
    .join('');
  return `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${xmlText(name)}</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/${xmlText(name)}/1</StackId><CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`;
}

const noSuchStack = (name: string) =>
  `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xmlText(name)} does not exist</Message></Error><RequestId>2</RequestId></ErrorResponse>`;

const callerIdentity = (arn: string) =>
  `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${xmlText(arn)}</Arn><UserId>AROA:alice</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>3</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;

/** `stacks`: each stack's outputs; `callerArn`: who GetCallerIdentity says is calling. */
export async function startAwsQueryServer(stacks: Record<string, Record<string, string>>, callerArn: string): Promise<AwsQueryServer> {
  const actions: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const form = new URLSearchParams(body);
      const action = form.get('Action') ?? '';
      actions.push(action);
      response.setHeader('content-type', 'text/xml');
      if (action === 'GetCallerIdentity') {
        response.end(callerIdentity(callerArn));
        return;
      }
      const name = form.get('StackName') ?? '';
      const outputs = stacks[name];
      if (action !== 'DescribeStacks' || outputs === undefined) {
        response.statusCode = 400;
        response.end(noSuchStack(name));
        return;
      }
      response.end(describeStacks(name, outputs));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    actions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
