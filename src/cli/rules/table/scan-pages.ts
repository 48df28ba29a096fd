/** Every page of a scan, in order, for the table commands (a scan reads a whole table or segment). */
import { type DynamoDBDocumentClient, ScanCommand, type ScanCommandInput, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';

export async function* scanPages(client: DynamoDBDocumentClient, input: ScanCommandInput, abortSignal?: AbortSignal): AsyncGenerator<ScanCommandOutput> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ ...input, ExclusiveStartKey: start }), abortSignal === undefined ? {} : { abortSignal });
    yield page;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}
