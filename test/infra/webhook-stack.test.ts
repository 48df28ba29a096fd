/**
 * The stack as a whole (lib/webhook-stack.ts): one function and route per function spec, each
 * function told exactly the settings it needs, request validation's fail mode, and the outputs
 * an admin copies into Lumos. The constructs have their own files: webhook-api, webhook-function,
 * access, tables, token-secret, token-outputs, webhook-alarms, alarm-topic, rate-limit-waf.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { pascalCase } from '../../lib/names';
import { AUDIT_TABLE, GRANTS_TABLE, RULES_TABLE, STATE_TABLE, TABLE_DEFINITIONS } from '../../src/store/table-definitions';
import { EXPECTED, expectationOf, KINDS, synthVariants } from '../support/infra/expectations';
import {
  functionProperties,
  literally,
  onlyLogicalId,
  outputsOf,
  type Synthesized,
  synth,
  synthContext,
  tableLogicalId,
  variablesOf,
} from '../support/infra/stack-template';

describe('WebhookStack', () => {
  let created: Synthesized;
  let imported: Synthesized;
  beforeAll(() => {
    ({ created, imported } = synthVariants());
  });

  describe('webhook kinds', () => {
    it('has an expectation row for every function in WEBHOOK_FUNCTIONS and none for a kind it lacks', () => {
      // Prepare / Act
      const rows = Object.keys(EXPECTED);
      // Assess
      expect(KINDS.length).toBeGreaterThan(0);
      expect(new Set(KINDS).size).toBe(KINDS.length);
      expect([...rows].sort()).toEqual([...KINDS].sort());
    });
  });

  describe('functions', () => {
    it.each(KINDS)('%s: gets exactly the settings it needs: its table names, auth header, secret id', (kind) => {
      // Prepare
      const { template } = created;
      const expectation = expectationOf(kind);
      const tables = TABLE_DEFINITIONS.filter((definition) => expectation.access[definition.id] !== undefined);
      // Act
      const expected = {
        AUTH_HEADER: 'authorization',
        TOKEN_SECRET_ID: { Ref: onlyLogicalId(template, 'AWS::SecretsManager::Secret') },
        METRICS_NAMESPACE: 'LumosWebhooks/Test',
        ...Object.fromEntries(tables.map((definition) => [definition.envVar, { Ref: tableLogicalId(template, definition) }])),
        ...expectation.environment,
      };
      // Assess
      expect(functionProperties(created, kind).Environment).toEqual({ Variables: expected });
    });

    it.each(KINDS)("%s: takes the auth header and an imported secret's name from the props", (kind) => {
      // Prepare / Act: the stack with tokenSecretName and authHeader
      const variables = (functionProperties(imported, kind).Environment as { Variables?: Record<string, unknown> }).Variables;
      // Assess
      expect(variables).toEqual(expect.objectContaining({ AUTH_HEADER: 'x-lumos-token', TOKEN_SECRET_ID: 'lumos/webhook-token' }));
    });
  });

  describe('request validation fail mode', () => {
    it('is closed by default', () => {
      // Prepare / Act: the default stack
      // Assess
      expect(variablesOf(created, 'request-validation').VALIDATION_FAIL_MODE).toBe('closed');
    });

    it('is open when validationFailMode is open, with nothing else changed', () => {
      // Prepare
      const closed = variablesOf(created, 'request-validation');
      // Act
      const open = variablesOf(synth({ validationFailMode: 'open' }), 'request-validation');
      // Assess
      expect(open).toEqual({ ...closed, VALIDATION_FAIL_MODE: 'open' });
    });

    it('passes validationMisconfiguredMessage to request validation only, and nothing when unset', () => {
      // Prepare
      const closed = variablesOf(created, 'request-validation');
      // Act
      const stack = synth({ validationMisconfiguredMessage: 'Ask #access-help in Slack.' });
      // Assess
      expect(closed).not.toHaveProperty('VALIDATION_MISCONFIGURED_MESSAGE');
      expect(variablesOf(stack, 'request-validation')).toEqual({ ...closed, VALIDATION_MISCONFIGURED_MESSAGE: 'Ask #access-help in Slack.' });
      for (const kind of KINDS.filter((other) => other !== 'request-validation'))
        expect(variablesOf(stack, kind)).not.toHaveProperty('VALIDATION_MISCONFIGURED_MESSAGE');
    });

    it('is not given to pre-approval or any other kind, whatever the mode', () => {
      // Prepare
      const others = KINDS.filter((kind) => kind !== 'request-validation');
      // Act
      const stacks = [created, synth({ validationFailMode: 'open' }), synth({ validationFailMode: 'closed' })];
      // Assess
      expect(others).toContain('pre-approval');
      for (const stack of stacks) {
        for (const kind of others) expect(variablesOf(stack, kind)).not.toHaveProperty('VALIDATION_FAIL_MODE');
      }
    });
  });

  describe('outputs', () => {
    it.each(KINDS)('%s: <Kind>Url is the stage URL ending in /<kind>', (kind) => {
      // Prepare
      const apiId = onlyLogicalId(created.template, 'AWS::ApiGateway::RestApi');
      const stageId = onlyLogicalId(created.template, 'AWS::ApiGateway::Stage');
      // Act
      const url = JSON.stringify(outputsOf(created.template)[`${pascalCase(kind)}Url`]?.Value);
      // Assess
      expect(url).toMatch(/^\{"Fn::Join":\["",\["https:\/\/",/);
      expect(url).toContain(`{"Ref":"${apiId}"}`);
      expect(url).toContain(`{"Ref":"${stageId}"}`);
      expect(url).toMatch(new RegExp(`"/${literally(kind)}"\\]\\]\\}$`));
    });

    it('give one URL per kind, the secret and every table name', () => {
      // Prepare
      const outputs = outputsOf(created.template);
      // Act
      const urls = Object.keys(outputs).filter((name) => name.endsWith('Url'));
      // Assess
      expect(urls.sort()).toEqual(KINDS.map((kind) => `${pascalCase(kind)}Url`).sort());
      expect(outputs.TokenSecretId?.Value).toEqual({ Ref: onlyLogicalId(created.template, 'AWS::SecretsManager::Secret') });
      expect(outputs.RulesTableName?.Value).toEqual({ Ref: tableLogicalId(created.template, RULES_TABLE) });
      expect(outputs.StateTableName?.Value).toEqual({ Ref: tableLogicalId(created.template, STATE_TABLE) });
      expect(outputs.AuditTableName?.Value).toEqual({ Ref: tableLogicalId(created.template, AUDIT_TABLE) });
      expect(outputs.GrantsTableName?.Value).toEqual({ Ref: tableLogicalId(created.template, GRANTS_TABLE) });
      expect(outputsOf(imported.template).TokenSecretId?.Value).toBe('lumos/webhook-token');
    });
  });
});

describe('outputs', () => {
  let created: Synthesized;

  beforeAll(() => {
    created = synthContext();
  });

  const URLS = ['PreApprovalUrl', 'RequestValidationUrl', 'ProvisioningUrl', 'DeprovisioningUrl'];
  const TABLE_NAMES = ['RulesTableName', 'StateTableName', 'AuditTableName', 'GrantsTableName'];

  it('are the four URLs, the secret (id, name, ARN), the command that reads the token, the table names and where source secrets go', () => {
    // Prepare / Act
    const names = Object.keys(outputsOf(created.template));
    // Assess
    expect(names.sort()).toEqual(
      [...URLS, ...TABLE_NAMES, 'TokenSecretId', 'TokenSecretName', 'TokenSecretArn', 'ReadTokenCommand', 'SourceSecretPrefix'].sort(),
    );
  });

  it("16.9 name the sources' secret prefix (lumos-sources/<stackName>/ by default), and the legacy prefix only while it is set", () => {
    // Prepare
    const staging = synthContext({ stackName: 'Staging', legacySourceSecretPrefix: 'lumos-connectors/' });
    const custom = synthContext({ sourceSecretPrefix: 'acme-sources/' });
    // Act
    const byDefault = outputsOf(created.template);
    const upgrading = outputsOf(staging.template);
    // Assess
    expect(byDefault.SourceSecretPrefix?.Value).toBe('lumos-sources/LumosWebhooks/');
    expect(byDefault).not.toHaveProperty('LegacySourceSecretPrefix');
    expect(upgrading.SourceSecretPrefix?.Value).toBe('lumos-sources/Staging/');
    expect(upgrading.LegacySourceSecretPrefix?.Value).toBe('lumos-connectors/');
    expect(outputsOf(custom.template).SourceSecretPrefix?.Value).toBe('acme-sources/');
  });
});
