import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { expect } from 'vitest';
import { buildApp } from '../../../lib/app';
import { pascalCase } from '../../../lib/names';
import { ScheduledFunction } from '../../../lib/scheduled-function';
import { WebhookFunction } from '../../../lib/webhook-function';
import { WebhookStack, type WebhookStackProps } from '../../../lib/webhook-stack';
import type { TableDefinition } from '../../../src/store/table-definitions';

/** A synthesized stack: the template to assert on, the construct tree to find a kind's function in. */
export interface Synthesized {
  readonly stack: WebhookStack;
  readonly template: Template;
}

export type Resources = Record<string, { Properties?: Record<string, unknown> }>;

/**
 * Synthesized stacks by their settings. A synth takes about a second and the tests only read
 * what it made, so each variant is synthesized once per worker, whichever file asks first (the
 * workers keep their modules between files: vitest.config.mts). A synth that throws is not kept.
 */
const synthesized = new Map<string, Synthesized>();

function once(key: string, make: () => Synthesized): Synthesized {
  const known = synthesized.get(key);
  if (known !== undefined) return known;
  const made = make();
  synthesized.set(key, made);
  return made;
}

/** A stable key for settings: the same values in another order are the same stack. */
const keyOf = (kind: string, settings: object): string =>
  `${kind}:${JSON.stringify(settings, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  )}`;

/**
 * Synthesizes the stack without running esbuild (bundling is skipped for every stack). A stack of
 * prebundled code is made anew each time: its folder's files may have changed since.
 */
export function synth(props: WebhookStackProps = {}): Synthesized {
  const make = () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new WebhookStack(app, 'Test', props);
    return { stack, template: Template.fromStack(stack) };
  };
  return props.prebundledDir === undefined ? once(keyOf('props', props), make) : make();
}

/** Synthesizes the stack the way `cdk synth` does (bin/app.ts), from context, without running esbuild. */
export function synthContext(context: Record<string, unknown> = {}): Synthesized {
  return once(keyOf('context', context), () => {
    const { stack } = buildApp({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
    return { stack, template: Template.fromStack(stack) };
  });
}

/** What the cdk-nag checks said of a synth, by context and by whether the acknowledgements were applied. */
const nagOutcomes = new Map<string, string | null>();

/**
 * Synthesizes the app as bin/app.ts does, with the cdk-nag checks on and bundling skipped, and
 * returns the synth's failure (every finding left unacknowledged, each with its rule id), or null
 * when it passed. `acknowledged: false` drops every acknowledgement. Once per worker and variant:
 * the checks take seconds.
 */
export function nagFailure(context: Record<string, unknown> = {}, { acknowledged = true }: { acknowledged?: boolean } = {}): string | null {
  const key = keyOf(acknowledged ? 'nag' : 'nag-unacknowledged', context);
  const known = nagOutcomes.get(key);
  if (known !== undefined) return known;
  const { app } = buildApp({ nag: true, context: { 'aws:cdk:bundling-stacks': [], ...context }, keepAcknowledgement: () => acknowledged });
  let outcome: string | null = null;
  try {
    app.synth();
  } catch (error) {
    outcome = error instanceof Error ? error.message : String(error);
  }
  nagOutcomes.set(key, outcome);
  return outcome;
}

export function onlyLogicalId(template: Template, type: string, props: object = {}): string {
  const ids = Object.keys(template.findResources(type, props));
  expect(ids, `exactly one ${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return ids[0] as string;
}

/** The properties of one resource, failing when the logical id is not of that type. */
export function propertiesOf(template: Template, type: string, logicalId: string): Record<string, unknown> {
  const resource = (template.findResources(type) as Resources)[logicalId];
  expect(resource, `${logicalId} is a ${type}`).toBeDefined();
  return resource?.Properties ?? {};
}

export function tableLogicalId(template: Template, definition: TableDefinition): string {
  return onlyLogicalId(template, 'AWS::DynamoDB::GlobalTable', {
    Properties: {
      KeySchema: [
        { AttributeName: definition.partitionKey, KeyType: 'HASH' },
        { AttributeName: definition.sortKey, KeyType: 'RANGE' },
      ],
    },
  });
}

export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/**
 * The logical id of the function deployed for one kind, found through the construct tree
 * (`<Kind>Function`, or `<Slug>Scheduled` for a scheduled one), not through the route, so a
 * route wired to the wrong function shows.
 */
export function functionLogicalId({ stack, template }: Synthesized, kind: string): string {
  const scheduled = stack.node.tryFindChild(`${pascalCase(kind)}Scheduled`);
  const construct = scheduled instanceof ScheduledFunction ? scheduled.handler : stack.node.tryFindChild(`${pascalCase(kind)}Function`);
  if (!(construct instanceof WebhookFunction)) throw new Error(`no WebhookFunction for ${kind}`);
  const cfn = construct.function.node.defaultChild;
  if (!(cfn instanceof lambda.CfnFunction)) throw new Error(`the function of ${kind} has no CfnFunction`);
  const logicalId = stack.getLogicalId(cfn);
  propertiesOf(template, 'AWS::Lambda::Function', logicalId);
  return logicalId;
}

export function functionProperties(synthesized: Synthesized, kind: string): Record<string, unknown> {
  return propertiesOf(synthesized.template, 'AWS::Lambda::Function', functionLogicalId(synthesized, kind));
}

/** The logical id of the execution role of one kind's function. */
export function roleLogicalId(synthesized: Synthesized, kind: string): string {
  const role = functionProperties(synthesized, kind).Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const roleId = role?.['Fn::GetAtt']?.[0];
  if (roleId === undefined) throw new Error(`the function of ${kind} has no role of this stack`);
  propertiesOf(synthesized.template, 'AWS::IAM::Role', roleId);
  return roleId;
}

/** One allowed (action, resource) pair, as the string `grantedPairs` lists. */
/** The one EventBridge rule whose target is the function of `slug`, with its properties. */
export function scheduleInvoking(synthesized: Synthesized, slug: string): Record<string, unknown> {
  const arn = JSON.stringify(arnOf(functionLogicalId(synthesized, slug)));
  const rules = Object.entries(synthesized.template.findResources('AWS::Events::Rule')).filter(([, rule]) =>
    ((rule as { Properties: { Targets?: { Arn: unknown }[] } }).Properties.Targets ?? []).some((target) => JSON.stringify(target.Arn) === arn),
  );
  if (rules.length !== 1) throw new Error(`expected one schedule rule invoking ${slug}, found ${rules.length}`);
  return propertiesOf(synthesized.template, 'AWS::Events::Rule', (rules[0] as [string, unknown])[0]);
}

export const pair = (action: string, resource: unknown): string => `${action} on ${JSON.stringify(resource)}`;

/** One allowed (action, resource) pair that holds only under a condition, as `grantedPairs` lists it. */
export const conditionalPair = (action: string, resource: unknown, condition: unknown): string => `${pair(action, resource)} when ${JSON.stringify(condition)}`;

/** Every (action, resource) pair one kind's role is allowed by the stack's policies, each with its statement's condition if any, sorted. */
export function grantedPairs(synthesized: Synthesized, kind: string): string[] {
  const roleRef = JSON.stringify({ Ref: roleLogicalId(synthesized, kind) });
  const policies = Object.values(synthesized.template.findResources('AWS::IAM::Policy') as Resources).filter((policy) =>
    ((policy.Properties?.Roles ?? []) as unknown[]).some((role) => JSON.stringify(role) === roleRef),
  );
  const pairs: string[] = [];
  for (const policy of policies) {
    const document = policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] };
    for (const statement of document.Statement) {
      expect(statement.Effect).toBe('Allow');
      expect(statement).not.toHaveProperty('NotAction');
      expect(statement).not.toHaveProperty('NotResource');
      const actions = [statement.Action].flat() as string[];
      const resources = [statement.Resource].flat();
      for (const action of actions) {
        for (const resource of resources)
          pairs.push(statement.Condition === undefined ? pair(action, resource) : conditionalPair(action, resource, statement.Condition));
      }
    }
  }
  return pairs.sort();
}

/** The logical id of the log group one kind's function logs to. */
export function logGroupLogicalId(synthesized: Synthesized, kind: string): string {
  const loggingConfig = functionProperties(synthesized, kind).LoggingConfig as { LogGroup?: { Ref?: string } } | undefined;
  const logGroupId = loggingConfig?.LogGroup?.Ref;
  if (logGroupId === undefined) throw new Error(`the function of ${kind} logs to no log group of this stack`);
  propertiesOf(synthesized.template, 'AWS::Logs::LogGroup', logGroupId);
  return logGroupId;
}

/** The only logging a function's role allows: adding streams and events to its own log group. */
export function ownLogPairs(synthesized: Synthesized, kind: string): string[] {
  const logGroup = arnOf(logGroupLogicalId(synthesized, kind));
  return [pair('logs:CreateLogStream', logGroup), pair('logs:PutLogEvents', logGroup)];
}

/** The environment variables of one kind's function. */
export function variablesOf(synthesized: Synthesized, kind: string): Record<string, unknown> {
  const environment = functionProperties(synthesized, kind).Environment as { Variables?: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}

/**
 * The only connector-secret (or source-secret) resource a kind may read: secrets whose names start
 * with `prefix`, in the stack's own partition, region and account, written out so a broader ARN shows.
 */
export const connectorSecretArn = (prefix: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:secret:${prefix}*`]],
});

/** The stack's outputs, by name. */
export function outputsOf(template: Template): Record<string, { Value: unknown; Description?: string }> {
  return template.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>;
}

/** The stage's access log setting: where the lines go and their format. */
export function accessLogSetting(template: Template): { DestinationArn?: unknown; Format?: string } {
  const stage = propertiesOf(template, 'AWS::ApiGateway::Stage', onlyLogicalId(template, 'AWS::ApiGateway::Stage'));
  return (stage.AccessLogSetting ?? {}) as { DestinationArn?: unknown; Format?: string };
}

/** A regular expression matching `text` literally. */
export const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
