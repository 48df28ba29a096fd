/** Where the token is and how to read it once (lib/token-outputs.ts), never the token itself. */
import { beforeAll, describe, expect, it } from 'vitest';
import { synthVariants } from '../support/infra/expectations';
import { onlyLogicalId, outputsOf, propertiesOf, type Synthesized, synthContext } from '../support/infra/stack-template';

describe('WebhookStack', () => {
  let created: Synthesized;
  let imported: Synthesized;
  beforeAll(() => {
    ({ created, imported } = synthVariants());
  });

  describe('outputs', () => {
    it('never carry a secret value', () => {
      // Prepare / Act
      const outputs = JSON.stringify([outputsOf(created.template), outputsOf(imported.template)]);
      // Assess
      // (ReadTokenCommand names SecretString as a CLI query; it never resolves it: see below)
      expect(outputs).not.toMatch(/resolve:secretsmanager|secretsmanager:.*:SecretString/i);
    });
  });
});

describe('outputs', () => {
  let created: Synthesized;
  let imported: Synthesized;

  beforeAll(() => {
    created = synthContext();
    imported = synthContext({ tokenSecretName: 'lumos/webhook-token' });
  });

  it("give the created secret's ARN and its name, taken from the ARN", () => {
    // Prepare
    const secretId = onlyLogicalId(created.template, 'AWS::SecretsManager::Secret');
    const outputs = outputsOf(created.template);
    // Act
    const name = JSON.stringify(outputs.TokenSecretName?.Value);
    // Assess
    expect(outputs.TokenSecretArn?.Value).toEqual({ Ref: secretId });
    expect(name).toContain(`{"Fn::Split":[":",{"Ref":"${secretId}"}]}`);
    expect(name).toMatch(/^\{"Fn::Join":\["-",/);
  });

  it("give the command that prints the token once, in the stack's region", () => {
    // Prepare
    const secretId = onlyLogicalId(created.template, 'AWS::SecretsManager::Secret');
    // Act
    const command = outputsOf(created.template).ReadTokenCommand?.Value;
    // Assess
    expect(command).toEqual({
      'Fn::Join': [
        '',
        ['aws secretsmanager get-secret-value --secret-id ', { Ref: secretId }, ' --query SecretString --output text --region ', { Ref: 'AWS::Region' }],
      ],
    });
  });

  it('with an imported secret, give its name, no ARN (its suffix is unknown), and a command by name', () => {
    // Prepare / Act
    const outputs = outputsOf(imported.template);
    // Assess
    expect(outputs.TokenSecretName?.Value).toBe('lumos/webhook-token');
    expect(outputs).not.toHaveProperty('TokenSecretArn');
    expect(outputs.ReadTokenCommand?.Value).toEqual({
      'Fn::Join': [
        '',
        ['aws secretsmanager get-secret-value --secret-id lumos/webhook-token --query SecretString --output text --region ', { Ref: 'AWS::Region' }],
      ],
    });
  });

  it.each([
    ['created', () => created],
    ['imported', () => imported],
  ])('never contain the token (%s secret): only references to the secret, no dynamic reference to its value', (_name, synthesized) => {
    // Prepare
    const { template } = synthesized();
    const secretIds = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    // Act
    const outputs = JSON.stringify(outputsOf(synthesized().template));
    // Assess
    expect(outputs).not.toContain('{{resolve:');
    expect(outputs).not.toMatch(/SecretString[:}]/);
    for (const secretId of secretIds) {
      expect(outputs).not.toContain(`"Fn::GetAtt":["${secretId}"`);
      expect(outputs.replaceAll(`{"Ref":"${secretId}"}`, '')).not.toContain(`"${secretId}"`);
    }
  });

  it('read a token with no characters a shell would interpret', () => {
    // Prepare
    const literalParts = JSON.stringify(outputsOf(created.template).ReadTokenCommand?.Value)
      .replaceAll(/\{"Ref":"[^"]+"\}/g, '')
      .replace(/^\{"Fn::Join":\["",\[/, '')
      .replace(/\]\]\}$/, '');
    // Act
    const secret = propertiesOf(created.template, 'AWS::SecretsManager::Secret', onlyLogicalId(created.template, 'AWS::SecretsManager::Secret'));
    // Assess: the command pastes as one line, and the token it prints is letters and digits only
    expect(literalParts).not.toMatch(/[;&|$`'()<>\\]/);
    expect(secret.GenerateSecretString).toEqual(expect.objectContaining({ ExcludePunctuation: true }));
  });
});
