/**
 * What each function may do (lib/access.ts): exactly its row of the table matrix, the token
 * secret, and connector secrets only under the deployment's prefix for the kinds that call
 * target systems; no wildcard, scan, batch write, update or delete; the audit trail append-only.
 * Secrets by purpose: connector secrets for the functions that call target systems, the sources'
 * secrets for the state sync, each under its own prefix, and no prefix that reaches every secret.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { ContextError } from '../../lib/context';
import { AUDIT_TABLE, GRANTS_TABLE, RULES_TABLE, STATE_TABLE } from '../../src/store/table-definitions';
import {
  ACTIONS,
  CONNECTOR_KINDS,
  connectorPair,
  DEFAULT_CONNECTOR_PREFIX,
  defaultSourcePrefix,
  eachVariant,
  expectationOf,
  expectedPairs,
  FUNCTION_SLUGS,
  KINDS,
  OTHER_KINDS,
  sourceSecretsPair,
  synthVariants,
} from '../support/infra/expectations';
import {
  arnOf,
  grantedPairs,
  onlyLogicalId,
  ownLogPairs,
  pair,
  type Resources,
  roleLogicalId,
  type Synthesized,
  synth,
  tableLogicalId,
  variablesOf,
} from '../support/infra/stack-template';

describe('WebhookStack', () => {
  let created: Synthesized;
  let imported: Synthesized;
  let acme: Synthesized;
  beforeAll(() => {
    ({ created, imported, acme } = synthVariants());
  });

  /** Every synthesized variant with its connector-secret prefix, for the checks that hold in all of them. */
  const variants = () => eachVariant({ created, imported, acme });

  describe('least privilege', () => {
    it('lets pre-approval query rules and state, append to audit and read the token, written out action by action', () => {
      // Prepare
      const rules = arnOf(tableLogicalId(created.template, RULES_TABLE));
      const state = arnOf(tableLogicalId(created.template, STATE_TABLE));
      const audit = arnOf(tableLogicalId(created.template, AUDIT_TABLE));
      const secret = { Ref: onlyLogicalId(created.template, 'AWS::SecretsManager::Secret') };
      // Act
      const pairs = grantedPairs(created, 'pre-approval').filter((granted) => !granted.startsWith('logs:'));
      // Assess: the actions an IAM reviewer reads in the template
      expect(pairs).toEqual(
        [pair('dynamodb:Query', rules), pair('dynamodb:Query', state), pair('dynamodb:PutItem', audit), pair('secretsmanager:GetSecretValue', secret)].sort(),
      );
    });

    it('lets provisioning get, query and put grants and read connector secrets under its prefix only, written out action by action', () => {
      // Prepare: the stack with connectorSecretPrefix acme/
      const rules = arnOf(tableLogicalId(acme.template, RULES_TABLE));
      const grants = arnOf(tableLogicalId(acme.template, GRANTS_TABLE));
      const audit = arnOf(tableLogicalId(acme.template, AUDIT_TABLE));
      const secret = { Ref: onlyLogicalId(acme.template, 'AWS::SecretsManager::Secret') };
      // Act
      const pairs = grantedPairs(acme, 'provisioning').filter((granted) => !granted.startsWith('logs:'));
      // Assess: no Scan, BatchWrite or UpdateItem; the connector ARN is the prefix's and nothing broader
      expect(pairs).toEqual(
        [
          pair('dynamodb:Query', rules),
          pair('dynamodb:GetItem', grants),
          pair('dynamodb:Query', grants),
          pair('dynamodb:PutItem', grants),
          pair('dynamodb:PutItem', audit),
          pair('secretsmanager:GetSecretValue', secret),
          `secretsmanager:GetSecretValue on {"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":secretsmanager:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":secret:acme/*"]]}`,
        ].sort(),
      );
    });

    it.each(KINDS)('%s: allows exactly its row of the matrix, reading the created secret and writing its own logs, nothing else', (kind) => {
      // Prepare
      const secretId = onlyLogicalId(created.template, 'AWS::SecretsManager::Secret');
      const expected = [...expectedPairs(created.template, expectationOf(kind), { Ref: secretId }), ...ownLogPairs(created, kind)].sort();
      // Act
      const pairs = grantedPairs(created, kind);
      // Assess
      expect(pairs).toEqual(expected);
    });

    it('never allows wildcard actions or resources, scans, batch writes or updates', () => {
      // Prepare
      const forbidden = /\*|Scan|BatchWrite|UpdateItem|DescribeSecret/;
      // Act
      const pairs = variants().flatMap(([, synthesized, prefix]) =>
        KINDS.flatMap((kind) =>
          // The one wildcard resource allowed: the connector secrets under the prefix, for a kind with the flag.
          grantedPairs(synthesized, kind).filter((granted) => !(expectationOf(kind).connectorSecrets && granted === connectorPair(prefix))),
        ),
      );
      const actions = pairs.map((granted) => granted.split(' on ')[0] ?? '');
      // Only a read of an indexed table may name `<table>/index/*`.
      const resources = pairs.map((granted) => granted.slice(granted.indexOf(' on ') + 4).replaceAll('/index/*"', '"'));
      // Assess
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((action) => forbidden.test(action))).toEqual([]);
      expect(resources.filter((resource) => resource.includes('*'))).toEqual([]);
    });

    it('allows no DeleteItem to any function: removed grants are kept as state "removed" until their TTL', () => {
      for (const [variant, synthesized] of variants()) {
        // Act
        const deletes = KINDS.flatMap((kind) => grantedPairs(synthesized, kind).filter((granted) => /Delete/.test(granted.split(' on ')[0] ?? '')));
        // Assess
        expect(deletes, variant).toEqual([]);
      }
    });

    it('gives deprovisioning neither rules nor state: no grant on them, no table name for them', () => {
      for (const [variant, synthesized] of variants()) {
        // Prepare
        const untouched = [RULES_TABLE, STATE_TABLE].map((definition) => tableLogicalId(synthesized.template, definition));
        // Act
        const pairs = grantedPairs(synthesized, 'deprovisioning');
        const variables = variablesOf(synthesized, 'deprovisioning');
        // Assess
        for (const logicalId of untouched) {
          expect(
            pairs.filter((granted) => granted.includes(`"${logicalId}"`)),
            variant,
          ).toEqual([]);
          expect(JSON.stringify(variables), variant).not.toContain(`"${logicalId}"`);
        }
        expect(variables, variant).not.toHaveProperty('RULES_TABLE');
        expect(variables, variant).not.toHaveProperty('STATE_TABLE');
      }
    });

    it.each(KINDS)('%s: may never change or delete an audit record', (kind) => {
      // Prepare
      const appendOrRead = new Set<string>([...ACTIONS.append, ...ACTIONS.read]);
      for (const [variant, synthesized] of variants()) {
        const audit = JSON.stringify(arnOf(tableLogicalId(synthesized.template, AUDIT_TABLE)));
        // Act
        const onAudit = grantedPairs(synthesized, kind).filter((granted) => granted.includes(audit));
        // Assess
        expect(expectationOf(kind).access.audit).toBe('append');
        expect(
          onAudit.map((granted) => granted.split(' on ')[0]),
          variant,
        ).toContain('dynamodb:PutItem');
        expect(
          onAudit.map((granted) => granted.split(' on ')[0]).filter((action) => !appendOrRead.has(action ?? '')),
          variant,
        ).toEqual([]);
      }
    });

    it('attaches each role one policy of its own and no inline policies', () => {
      // Prepare
      const roleRefs = FUNCTION_SLUGS.map((kind) => ({ Ref: roleLogicalId(created, kind) }));
      // Act
      const roles = Object.values(created.template.findResources('AWS::IAM::Role') as Resources);
      const policies = Object.values(created.template.findResources('AWS::IAM::Policy') as Resources);
      // Assess
      expect(roles).toHaveLength(FUNCTION_SLUGS.length);
      for (const role of roles) expect(role.Properties?.Policies).toBeUndefined();
      expect(policies).toHaveLength(FUNCTION_SLUGS.length);
      expect(policies.map((policy) => policy.Properties?.Roles)).toEqual(expect.arrayContaining(roleRefs.map((ref) => [ref])));
    });
  });

  describe('connector secrets', () => {
    it('are read by exactly the provisioning and deprovisioning kinds', () => {
      // Prepare / Act: the kinds the default stack lets read them, and the kinds it tells the prefix
      const readers = KINDS.filter((kind) => grantedPairs(created, kind).includes(connectorPair('lumos-connectors/')));
      const told = KINDS.filter((kind) => variablesOf(created, kind).CONNECTOR_SECRET_PREFIX !== undefined);
      // Assess
      expect([...readers].sort()).toEqual(['deprovisioning', 'provisioning']);
      expect([...told].sort()).toEqual(['deprovisioning', 'provisioning']);
    });

    it.each(CONNECTOR_KINDS)('%s: reads only secrets named lumos-connectors/* by default, told the prefix', (kind) => {
      // Prepare
      const tokenPair = pair('secretsmanager:GetSecretValue', { Ref: onlyLogicalId(created.template, 'AWS::SecretsManager::Secret') });
      // Act
      const secretPairs = grantedPairs(created, kind).filter((granted) => granted.startsWith('secretsmanager:'));
      const connector = secretPairs.filter((granted) => granted !== tokenPair);
      // Assess
      expect(secretPairs).toContain(tokenPair);
      expect(connector).toEqual([connectorPair('lumos-connectors/')]);
      expect(connector[0]).toMatch(/^secretsmanager:GetSecretValue on \{"Fn::Join":\["",\["arn:",.*":secret:lumos-connectors\/\*"\]\]\}$/);
      expect(connector[0]).toContain('{"Ref":"AWS::AccountId"}');
      expect(connector[0]).toContain('{"Ref":"AWS::Region"}');
      expect(variablesOf(created, kind).CONNECTOR_SECRET_PREFIX).toBe('lumos-connectors/');
    });

    it.each(OTHER_KINDS)('%s: reads no connector secret and is not told a prefix, whatever the prefix', (kind) => {
      for (const [variant, synthesized] of variants()) {
        // Prepare / Act
        const secretPairs = grantedPairs(synthesized, kind).filter((granted) => granted.startsWith('secretsmanager:'));
        // Assess: the token secret only
        expect(secretPairs, variant).toHaveLength(1);
        expect(secretPairs[0], variant).not.toMatch(/:secret:(lumos-connectors|acme)\/|\*/);
        expect(variablesOf(synthesized, kind), variant).not.toHaveProperty('CONNECTOR_SECRET_PREFIX');
      }
    });

    it.each(CONNECTOR_KINDS)('%s: follows connectorSecretPrefix in both the ARN and the environment, nothing else changed', (kind) => {
      // Prepare
      const defaultPairs = grantedPairs(created, kind);
      const defaultVariables = variablesOf(created, kind);
      // Act
      const pairs = grantedPairs(acme, kind);
      const variables = variablesOf(acme, kind);
      // Assess
      expect(pairs).toEqual(defaultPairs.map((granted) => (granted === connectorPair('lumos-connectors/') ? connectorPair('acme/') : granted)).sort());
      expect(pairs.filter((granted) => granted.endsWith(':secret:acme/*"]]}'))).toHaveLength(1);
      expect(pairs.join('\n')).not.toContain('lumos-connectors');
      expect(variables).toEqual({ ...defaultVariables, CONNECTOR_SECRET_PREFIX: 'acme/' });
      expect(pairs).toEqual(
        [
          ...expectedPairs(acme.template, expectationOf(kind), { Ref: onlyLogicalId(acme.template, 'AWS::SecretsManager::Secret') }, 'acme/'),
          ...ownLogPairs(acme, kind),
        ].sort(),
      );
    });

    it.each(OTHER_KINDS)('%s: is the same whatever connectorSecretPrefix', (kind) => {
      // Prepare / Act
      // Assess
      expect(grantedPairs(acme, kind)).toEqual(grantedPairs(created, kind));
      expect(variablesOf(acme, kind)).toEqual(variablesOf(created, kind));
    });
  });

  describe('secrets by purpose', () => {
    /** The functions whose role grants reading secrets under `prefix`, and those told it in `variable`. */
    const readersOf = (synthesized: Synthesized, granted: string) => FUNCTION_SLUGS.filter((slug) => grantedPairs(synthesized, slug).includes(granted)).sort();
    const toldOf = (synthesized: Synthesized, variable: string) =>
      FUNCTION_SLUGS.filter((slug) => variablesOf(synthesized, slug)[variable] !== undefined).sort();

    it('16.9 connector secrets are read by provisioning, deprovisioning and the expiry sweeper only; the state sync reads none', () => {
      for (const [variant, synthesized, prefix] of variants()) {
        // Act
        const readers = readersOf(synthesized, connectorPair(prefix));
        const told = toldOf(synthesized, 'CONNECTOR_SECRET_PREFIX');
        // Assess
        expect(readers, variant).toEqual(['deprovisioning', 'expiry-sweeper', 'provisioning']);
        expect(told, variant).toEqual(['deprovisioning', 'expiry-sweeper', 'provisioning']);
      }
    });

    it("16.9 the sources' secrets are read by the state sync only, under lumos-sources/<stack name>/ by default", () => {
      for (const [variant, synthesized] of variants()) {
        // Prepare: the test stacks are named Test
        const prefix = defaultSourcePrefix('Test');
        // Act
        const readers = readersOf(synthesized, sourceSecretsPair(prefix));
        const told = FUNCTION_SLUGS.filter((slug) => variablesOf(synthesized, slug).SOURCE_SECRET_PREFIX === prefix);
        // Assess
        expect(readers, variant).toEqual(['state-sync']);
        expect(told, variant).toEqual(['state-sync']);
        expect(toldOf(synthesized, 'SOURCE_SECRET_PREFIX'), variant).toEqual(['state-sync']);
      }
    });

    it('16.9 no function reads secrets under both prefixes, and the two prefixes never overlap', () => {
      for (const [variant, synthesized, connectorPrefix] of variants()) {
        // Prepare: the test stacks are named Test
        const sourcePrefix = defaultSourcePrefix('Test');
        // Pre-approval reads the token secret and no other (checked above): its grant is the token's.
        const tokenGrants = grantedPairs(synthesized, 'pre-approval').filter((granted) => granted.startsWith('secretsmanager:'));
        // Act / Assess: a secret name under both prefixes would be readable by both purposes
        expect(synthesized.stack.sourceSecretPrefix, variant).toBe(sourcePrefix);
        expect(sourcePrefix.startsWith(connectorPrefix) || connectorPrefix.startsWith(sourcePrefix), variant).toBe(false);
        for (const slug of FUNCTION_SLUGS) {
          const secretGrants = grantedPairs(synthesized, slug).filter((granted) => granted.startsWith('secretsmanager:') && !tokenGrants.includes(granted));
          expect(
            secretGrants.filter((granted) => granted !== connectorPair(connectorPrefix) && granted !== sourceSecretsPair(sourcePrefix)),
            `${variant}: ${slug}`,
          ).toEqual([]);
          expect(secretGrants.length, `${variant}: ${slug}`).toBeLessThanOrEqual(1);
        }
      }
    });

    it('16.9 follows sourceSecretPrefix for the sync alone; every other function is the same', () => {
      // Prepare
      const custom = synth({ sourceSecretPrefix: 'acme-sources/' });
      // Act / Assess
      expect(grantedPairs(custom, 'state-sync')).toEqual(
        grantedPairs(created, 'state-sync')
          .map((granted) => (granted === sourceSecretsPair(defaultSourcePrefix('Test')) ? sourceSecretsPair('acme-sources/') : granted))
          .sort(),
      );
      expect(variablesOf(custom, 'state-sync').SOURCE_SECRET_PREFIX).toBe('acme-sources/');
      for (const slug of FUNCTION_SLUGS.filter((other) => other !== 'state-sync')) {
        expect(grantedPairs(custom, slug), slug).toEqual(grantedPairs(created, slug));
        expect(variablesOf(custom, slug), slug).toEqual(variablesOf(created, slug));
      }
    });

    /** The ContextError building the app with this context throws. */
    const refusal = (context: Record<string, unknown>): string => {
      try {
        buildApp({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
      } catch (error) {
        expect(error).toBeInstanceOf(ContextError);
        return (error as Error).message;
      }
      throw new Error('the stack was built');
    };

    it.each(['connectorSecretPrefix', 'sourceSecretPrefix', 'legacySourceSecretPrefix'])(
      '16.9 refuses %s "*", which would grant every secret in the account and region, and any other wildcard',
      (key) => {
        // Act / Assess
        expect(refusal({ [key]: '*' })).toBe(
          `context ${key} "*" must not hold "*" or "?": IAM reads them as wildcards, so it would grant every secret in the account and region`,
        );
        expect(refusal({ [key]: 'lumos-*/' })).toBe(
          `context ${key} "lumos-*/" must not hold "*" or "?": IAM reads them as wildcards, so it would grant secrets outside the prefix`,
        );
        expect(refusal({ [key]: 'team?/' })).toMatch(new RegExp(`^context ${key} "team\\?/" must not hold`));
        expect(refusal({ [key]: 'lumos sources/' })).toBe(
          `context ${key} "lumos sources/" may hold only letters, digits and / _ + = . @ - (the characters of a secret name)`,
        );
      },
    );

    it('16.9 refuses source and connector prefixes that overlap, and a legacy prefix that is the source prefix', () => {
      // Act / Assess
      expect(refusal({ sourceSecretPrefix: 'lumos-' })).toBe(
        `context sourceSecretPrefix "lumos-" and connectorSecretPrefix "${DEFAULT_CONNECTOR_PREFIX}" overlap: the state sync could read provisioner credentials and the provisioners the sources' keys; give prefixes neither of which starts with the other`,
      );
      expect(refusal({ connectorSecretPrefix: 'lumos-sources/' })).toMatch(
        /^context sourceSecretPrefix "lumos-sources\/LumosWebhooks\/" and connectorSecretPrefix "lumos-sources\/" overlap/,
      );
      expect(refusal({ sourceSecretPrefix: 'acme/', legacySourceSecretPrefix: 'acme/' })).toBe(
        'context legacySourceSecretPrefix is the sourceSecretPrefix "acme/": leave it unset',
      );
      // The upgrade it exists for: the legacy prefix is the old shared one.
      expect(() => buildApp({ context: { 'aws:cdk:bundling-stacks': [], legacySourceSecretPrefix: DEFAULT_CONNECTOR_PREFIX } })).not.toThrow();
    });
  });
});
