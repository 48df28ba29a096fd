/** lumos-state run in-process over a scratch folder, and the state table's items, for the state commands' tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { runLumosState } from '../../src/cli/state/program';
import { recordingIo } from './recording-io';
import { testDocumentClient } from './tables';

export interface Run {
  code: number;
  out: string;
  err: string;
}

export function scratchFolder(): { dir: string; write(name: string, text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'lumos-state-'));
  return {
    dir,
    write: (name, text) => {
      writeFileSync(join(dir, name), text);
      return name;
    },
  };
}

export async function lumosState(args: string[], cwd: string): Promise<Run> {
  const io = recordingIo(cwd);
  const code = await runLumosState(args, io, '0.0.0-test');
  return { code, out: io.out(), err: io.err() };
}

export async function partitionItems(table: string, pk: string): Promise<Record<string, unknown>[]> {
  const { Items } = await testDocumentClient().send(
    new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }),
  );
  return Items ?? [];
}
