/**
 * The functions (lib/webhook-function.ts): one per kind on Node 24 and arm64, JSON logs to a log
 * group of its own, a role only Lambda assumes that may log only there, reserved concurrency on
 * request, and the prebundled code `npm run build` writes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_NODE_MAJOR } from '../../lib/bundling';
import { FUNCTION_SLUGS, KINDS } from '../support/infra/expectations';
import {
  functionLogicalId,
  functionProperties,
  grantedPairs,
  logGroupLogicalId,
  ownLogPairs,
  pair,
  propertiesOf,
  type Resources,
  roleLogicalId,
  type Synthesized,
  synth,
  synthContext,
} from '../support/infra/stack-template';

function functionIdsUsing(template: Template, property: string, value: unknown): string[] {
  return Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { [property]: value } }));
}

/** Every (action, resource) pair in every statement of every policy attached to the role, sorted. */
function rolePairs({ template }: Synthesized, roleId: string): string[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources).filter((policy) =>
    JSON.stringify(policy.Properties?.Roles).includes(`{"Ref":"${roleId}"}`),
  );
  return policies
    .flatMap((policy) => ((policy.Properties?.PolicyDocument ?? { Statement: [] }) as { Statement: Record<string, unknown>[] }).Statement)
    .flatMap((statement) => [statement.Action].flat().flatMap((action) => [statement.Resource].flat().map((resource) => pair(String(action), resource))))
    .sort();
}

describe('WebhookStack', () => {
  let created: Synthesized;

  beforeAll(() => {
    created = synth();
  });

  describe('functions', () => {
    it('are one per kind and one per scheduled function, each with its own role and log group', () => {
      // Prepare / Act
      const functionIds = FUNCTION_SLUGS.map((kind) => functionLogicalId(created, kind));
      const roleIds = FUNCTION_SLUGS.map((kind) => roleLogicalId(created, kind));
      const logGroups = FUNCTION_SLUGS.map((kind) => JSON.stringify(functionProperties(created, kind).LoggingConfig));
      // Assess
      created.template.resourceCountIs('AWS::Lambda::Function', FUNCTION_SLUGS.length);
      expect(new Set(functionIds).size).toBe(FUNCTION_SLUGS.length);
      expect(new Set(roleIds).size).toBe(FUNCTION_SLUGS.length);
      expect(new Set(logGroups).size).toBe(FUNCTION_SLUGS.length);
    });

    it.each(KINDS)("%s: runs Node 24 (the version the bench loads bundles under) on arm64 with 512 MB and a timeout inside Lumos's 15 s", (kind) => {
      // Prepare / Act: the default stack
      const fn = functionProperties(created, kind);
      // Assess
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Runtime).toBe(`nodejs${RUNTIME_NODE_MAJOR}.x`);
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.MemorySize).toBe(512);
      expect(fn.Timeout).toBeGreaterThan(0);
      expect(fn.Timeout).toBeLessThanOrEqual(10);
      expect(fn.Handler).toBe('index.handler');
    });

    it.each(KINDS)('%s: logs JSON to its own log group kept for a month', (kind) => {
      // Prepare
      const { template } = created;
      const functionId = functionLogicalId(created, kind);
      // Act
      const loggingConfig = functionProperties(created, kind).LoggingConfig as { LogGroup?: { Ref?: string } } | undefined;
      const logGroupId = loggingConfig?.LogGroup?.Ref ?? '';
      // Assess
      expect(loggingConfig).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: logGroupId } });
      expect(propertiesOf(template, 'AWS::Logs::LogGroup', logGroupId)).toEqual({ RetentionInDays: 30 });
      expect(functionIdsUsing(template, 'LoggingConfig', Match.objectLike({ LogGroup: { Ref: logGroupId } }))).toEqual([functionId]);
    });
  });

  describe('prebundled code', () => {
    let dist: string;

    /**
     * A fresh folder with `<kind>/index.js` for each of `kinds`, each bundle different and
     * requiring `re2js.js` on first use as a real one does, and `re2js.js` beside it unless `lazy` is false.
     */
    function bundles(kinds: readonly string[], lazy = true): string {
      const dir = mkdtempSync(path.join(dist, 'bundles-'));
      for (const kind of kinds) {
        mkdirSync(path.join(dir, kind), { recursive: true });
        const index = `// ${kind}\nconst pattern = () => require("./re2js.js");\nexports.handler = async () => ({ statusCode: 204 });\n`;
        writeFileSync(path.join(dir, kind, 'index.js'), index);
        if (lazy) writeFileSync(path.join(dir, kind, 're2js.js'), `// ${kind} re2js.js\n`);
      }
      return dir;
    }

    beforeAll(() => {
      dist = mkdtempSync(path.join(tmpdir(), 'webhook-dist-'));
    });

    afterAll(() => {
      rmSync(dist, { recursive: true, force: true });
    });

    it('deploys dist/<kind>/index.js of every kind with the same function settings and grants', () => {
      // Prepare
      const dir = bundles(FUNCTION_SLUGS);
      // Act
      const prebundled = synth({ prebundledDir: dir });
      // Assess
      prebundled.template.resourceCountIs('AWS::Lambda::Function', FUNCTION_SLUGS.length);
      const codes = new Set<string>();
      for (const kind of FUNCTION_SLUGS) {
        const fn = functionProperties(prebundled, kind);
        expect(fn).toEqual(expect.objectContaining({ Handler: 'index.handler', Runtime: 'nodejs24.x', Architectures: ['arm64'] }));
        expect(fn.Timeout).toBe(functionProperties(created, kind).Timeout);
        codes.add(JSON.stringify(fn.Code));
        expect(grantedPairs(prebundled, kind)).toEqual(grantedPairs(created, kind));
      }
      expect(codes.size).toBe(FUNCTION_SLUGS.length);
    });

    it.each(KINDS)('says to run the build when the %s bundle is missing', (kind) => {
      // Prepare
      const dir = bundles(KINDS.filter((other) => other !== kind));
      // Act / Assess
      expect(() => synth({ prebundledDir: dir })).toThrow(`${path.join(dir, kind)}/index.js not found: run \`npm run build\``);
    });

    it('refuses a bundle folder without re2js.js: every rule with a pattern would become invalid once deployed', () => {
      // Prepare
      const dir = bundles(KINDS, false);
      // Act / Assess
      expect(() => synth({ prebundledDir: dir })).toThrow(/re2js\.js not found: run `npm run build`/);
    });

    it('deploys a bundle that requires no lazy module without one (deprovisioning never compiles a pattern)', () => {
      // Prepare
      const dir = bundles(FUNCTION_SLUGS);
      writeFileSync(path.join(dir, 'deprovisioning', 'index.js'), 'exports.handler = async () => ({ statusCode: 204 });\n');
      rmSync(path.join(dir, 'deprovisioning', 're2js.js'));
      // Act
      const prebundled = synth({ prebundledDir: dir });
      // Assess
      prebundled.template.resourceCountIs('AWS::Lambda::Function', FUNCTION_SLUGS.length);
    });
  });
});

describe('function hardening', () => {
  let defaults: Synthesized;

  beforeAll(() => {
    defaults = synthContext();
  });

  describe('reserved concurrency', () => {
    it.each(KINDS)('%s: reserves none by default (new accounts cannot reserve any)', (kind) => {
      // Prepare / Act
      const fn = functionProperties(defaults, kind);
      // Assess
      expect(fn).not.toHaveProperty('ReservedConcurrentExecutions');
    });

    it('reserves reservedConcurrency for every function', () => {
      // Prepare
      const synthesized = synthContext({ reservedConcurrency: '5' });
      // Act
      const reserved = KINDS.map((kind) => functionProperties(synthesized, kind).ReservedConcurrentExecutions);
      // Assess
      expect(reserved).toEqual(KINDS.map(() => 5));
    });

    it.each(['0', '-1', '1.5', 'many'])('refuses reservedConcurrency=%s', (value) => {
      // Prepare / Act / Assess
      expect(() => synthContext({ reservedConcurrency: value })).toThrow('context reservedConcurrency must be a whole number from 1');
    });
  });

  describe('execution roles', () => {
    it.each(KINDS)('%s: has a role only Lambda may assume, with no managed or inline policy', (kind) => {
      // Prepare
      const roleId = roleLogicalId(defaults, kind);
      // Act
      const role = propertiesOf(defaults.template, 'AWS::IAM::Role', roleId);
      // Assess
      expect(role.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      });
      expect(role).not.toHaveProperty('ManagedPolicyArns');
      expect(role).not.toHaveProperty('Policies');
    });

    it.each(KINDS)('%s: may add log streams and events to its own log group, and no other logging', (kind) => {
      // Prepare
      const roleId = roleLogicalId(defaults, kind);
      // Act
      const logging = rolePairs(defaults, roleId).filter((granted) => granted.startsWith('logs:'));
      // Assess
      expect(logging).toEqual(ownLogPairs(defaults, kind).sort());
      expect(logging.join('\n')).toContain(`{"Fn::GetAtt":["${logGroupLogicalId(defaults, kind)}","Arn"]}`);
    });

    it('gives no function a log group but its own', () => {
      // Prepare
      const logGroups = KINDS.map((kind) => logGroupLogicalId(defaults, kind));
      // Act
      const grantedGroups = KINDS.map((kind) =>
        logGroups.filter((logGroupId) => rolePairs(defaults, roleLogicalId(defaults, kind)).join('\n').includes(`"${logGroupId}"`)),
      );
      // Assess
      expect(new Set(logGroups).size).toBe(KINDS.length);
      expect(grantedGroups).toEqual(logGroups.map((logGroupId) => [logGroupId]));
    });

    it('attach no AWS managed policy anywhere in the stack', () => {
      // Prepare / Act
      const template = JSON.stringify(defaults.template.toJSON());
      // Assess
      expect(template).not.toContain('ManagedPolicyArns');
      expect(template).not.toContain('AWSLambdaBasicExecutionRole');
      defaults.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    });
  });
});
