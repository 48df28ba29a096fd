import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import { TABLE_DEFINITIONS, type TableDefinition } from '../src/store/table-definitions';
import { grantConnectorSecrets, grantTable, grantTokenRead } from './access';
import { pascalCase } from './names';
import { buildTable, type WebhookTable } from './tables';
import { type TokenSecret, tokenSecret } from './token-secret';
import { WebhookFunction } from './webhook-function';
import { WEBHOOKS, type WebhookSpec } from './webhooks';

/** What every webhook function uses. */
interface SharedResources {
  readonly api: apigateway.RestApi;
  readonly tables: ReadonlyMap<TableDefinition['id'], WebhookTable>;
  readonly token: TokenSecret;
}

export interface WebhookStackProps extends StackProps {
  /** Use this existing Secrets Manager secret for the token; unset: the stack creates one. */
  readonly tokenSecretName?: string;
  /** Header Lumos sends the token in; default `authorization`. */
  readonly authHeader?: string;
  /** Folder with `<kind>/index.js` bundles from `npm run build`; unset: bundle during synth. */
  readonly prebundledDir?: string;
  /** When request validation cannot run: `closed` blocks with a message (default), `open` lets requests through. */
  readonly validationFailMode?: 'closed' | 'open';
  /** Connector secrets (http provisioner) must have names starting with this; default `lumos-connectors/`. */
  readonly connectorSecretPrefix?: string;
}

/** The receiver: one REST API route and one function per webhook kind, the tables, the token secret. */
export class WebhookStack extends Stack {
  constructor(scope: Construct, id: string, props: WebhookStackProps = {}) {
    super(scope, id, props);

    const tables = new Map<TableDefinition['id'], WebhookTable>(
      TABLE_DEFINITIONS.map((definition) => [definition.id, buildTable(this, definition)]),
    );
    const token = tokenSecret(this, props.tokenSecretName);

    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${id}-api`,
      description: 'Lumos inline webhooks',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // The account-wide API Gateway logging role is an account setting, not this stack's to own.
      cloudWatchRole: false,
      deployOptions: { stageName: 'v1' },
    });

    for (const webhook of WEBHOOKS) this.addWebhook(webhook, { api, tables, token }, props);

    new CfnOutput(this, 'TokenSecretId', {
      description: 'Secrets Manager secret holding the token; put its value in Lumos\'s "Custom Headers"',
      value: token.secretId,
    });
    for (const { definition, table } of tables.values()) {
      new CfnOutput(this, `${pascalCase(definition.id)}TableName`, { value: table.tableName });
    }
  }

  /** One kind: its function, the grants its spec lists, its route and its URL output. */
  private addWebhook(webhook: WebhookSpec, shared: SharedResources, props: WebhookStackProps): void {
    const { api, tables, token } = shared;
    const name = pascalCase(webhook.kind);
    const fn = new WebhookFunction(this, `${name}Function`, {
      kind: webhook.kind,
      authHeader: props.authHeader ?? 'authorization',
      prebundledDir: props.prebundledDir,
    });
    for (const [tableId, table] of tables) {
      const level = webhook.access[tableId];
      if (level !== undefined) grantTable(fn.function, table, level);
    }
    grantTokenRead(fn.function, token);
    if (webhook.connectorSecrets) grantConnectorSecrets(fn.function, props.connectorSecretPrefix ?? 'lumos-connectors/');
    const environment = webhook.environment?.({ validationFailMode: props.validationFailMode ?? 'closed' }) ?? {};
    for (const [key, value] of Object.entries(environment)) fn.function.addEnvironment(key, value);
    api.root.addResource(webhook.kind).addMethod('POST', new apigateway.LambdaIntegration(fn.function));
    new CfnOutput(this, `${name}Url`, {
      description: `URL to enter as Lumos's ${webhook.kind} webhook`,
      value: `${api.url}${webhook.kind}`,
    });
  }
}
