/**
 * The worker thread of ics-expansion.ts: parses one calendar and posts what it found as plain
 * data. Bundled on its own as ics-worker.js beside the function's index.js (lib/bundling.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IcsExpansion, IcsExpansionRequest } from './ics-expansion';
import { parseIcsShifts } from './ics-parser';

function expansionOf(request: IcsExpansionRequest): IcsExpansion {
  const window = { from: new Date(request.window.from), to: new Date(request.window.to) };
  const result = parseIcsShifts(request.text, { schedule: request.schedule, window, outOfTime: () => Date.now() >= request.endsAt });
  if (result.outOfTime) return { outOfTime: true };
  const { items, skipped } = result.collector.result();
  return { outOfTime: false, parsed: result.parsed, shifts: items, skipped, ambiguousUids: result.ambiguousUids };
}

parentPort?.postMessage(expansionOf(workerData as IcsExpansionRequest));
