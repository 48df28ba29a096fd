/** The token secret (lib/token-secret.ts): created with a generated value, or imported by name and read through its suffixed ARN. */
import { beforeAll, describe, expect, it } from 'vitest';
import { connectorPair, DEFAULT_CONNECTOR_PREFIX, expectationOf, KINDS, synthVariants } from '../support/infra/expectations';
import { grantedPairs, type Synthesized } from '../support/infra/stack-template';

describe('WebhookStack', () => {
  let created: Synthesized;
  let imported: Synthesized;
  beforeAll(() => {
    ({ created, imported } = synthVariants());
  });

  describe('token secret', () => {
    it('is created with a 48-character generated value when no name is given', () => {
      // Prepare / Act: the default stack
      // Assess
      created.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      created.template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 48 },
      });
    });

    it.each(KINDS)('%s: reads an imported secret only through its suffixed ARN', (kind) => {
      // Prepare
      const connector = expectationOf(kind).connectorSecrets ? [connectorPair(DEFAULT_CONNECTOR_PREFIX)] : [];
      // Act: the stack with tokenSecretName
      const secretPairs = grantedPairs(imported, kind).filter((granted) => granted.startsWith('secretsmanager:'));
      const tokenPairs = secretPairs.filter((granted) => !connector.includes(granted));
      // Assess
      imported.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
      expect(secretPairs).toHaveLength(1 + connector.length);
      expect(secretPairs).toEqual(expect.arrayContaining(connector));
      expect(tokenPairs).toHaveLength(1);
      expect(tokenPairs[0]).toMatch(/^secretsmanager:GetSecretValue on .*:secretsmanager:.*:secret:lumos\/webhook-token-\?\?\?\?\?\?"/);
    });

    it.each(KINDS)('%s: otherwise allows the same as with a created secret', (kind) => {
      // Prepare: everything but the token secret (the connector secrets stay in)
      const connector = connectorPair(DEFAULT_CONNECTOR_PREFIX);
      const withoutToken = (pairs: string[]) => pairs.filter((granted) => !granted.startsWith('secretsmanager:') || granted === connector);
      // Act
      const pairs = withoutToken(grantedPairs(imported, kind));
      // Assess
      expect(pairs).toEqual(withoutToken(grantedPairs(created, kind)));
    });
  });
});
