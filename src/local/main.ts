/** `npm start`: the four webhooks on 127.0.0.1 over DynamoDB Local, seeded with the demo, and the scheduled functions on a timer. */
import { JavaMissingError } from './dynamodb-local';
import { startLocalRuntime } from './runtime';

async function main(): Promise<void> {
  const runtime = await startLocalRuntime({
    port: Number(process.env.PORT ?? 3000),
    ...(process.env.LUMOS_WEBHOOK_TOKEN ? { token: process.env.LUMOS_WEBHOOK_TOKEN } : {}),
    ...(process.env.DYNAMODB_ENDPOINT ? { dynamoEndpoint: process.env.DYNAMODB_ENDPOINT } : {}),
    ...(process.env.DYNAMODB_PORT ? { dynamoPort: Number(process.env.DYNAMODB_PORT) } : {}),
    env: process.env,
  });
  const header = (process.env.AUTH_HEADER ?? 'Authorization').toLowerCase() === 'authorization' ? 'Authorization: Bearer' : `${process.env.AUTH_HEADER}:`;
  const lines = [
    'Lumos webhook receiver is running locally.',
    ...runtime.paths.map((path) => `  POST ${runtime.baseUrl}${path}`),
    `  Token:    ${runtime.token}`,
    `  DynamoDB: ${runtime.dynamoEndpoint} (tables ${Object.values(runtime.tables).join(', ')})`,
    // Ready to paste: what `apply` would change in these tables, and the replay of the calls made here.
    `  Rules:    npx lumos-rules plan --endpoint ${runtime.dynamoEndpoint} --rules-table ${runtime.tables.RULES_TABLE} --audit-table ${runtime.tables.AUDIT_TABLE} --state-table ${runtime.tables.STATE_TABLE}`,
    runtime.sweepSeconds > 0
      ? `  Sweeper:  removes expired grants every ${runtime.sweepSeconds} s (SWEEP_SECONDS); pending: npx lumos-state grants --pending --endpoint ${runtime.dynamoEndpoint} --grants-table ${runtime.tables.GRANTS_TABLE}`
      : '  Sweeper:  off (SWEEP_SECONDS=0)',
    runtime.sweepSeconds > 0
      ? `  Sync:     syncs the state sources configured in ${runtime.tables.STATE_TABLE} every ${runtime.sweepSeconds} s (SWEEP_SECONDS; none configured: nothing to do); their secrets under ${runtime.sourceSecretPrefix}`
      : '  Sync:     off (SWEEP_SECONDS=0)',
    '',
    'Try the Lumos docs example (peterparker@lumos.com is on call for demo-oncall, so PREAPPROVED):',
    `  curl -sS -X POST ${runtime.baseUrl}/pre-approval -H '${header} ${runtime.token}' -H 'content-type: application/json' --data @fixtures/lumos/pre-approval.json`,
    '',
    'Ctrl-C stops everything.',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  // Without its database every call would fail: say so and stop rather than serve errors.
  void runtime.dynamoExited.then(({ code, signal }) => {
    if (stopping) return;
    stopping = true;
    console.error(`DynamoDB Local exited unexpectedly (code ${code}${signal ? `, signal ${signal}` : ''}); stopping`);
    runtime.stop().then(
      () => process.exit(1),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) console.error(error.message);
  else console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
