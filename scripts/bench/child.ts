/**
 * One `node -e` child, timed two ways: wall time around spawnSync, and the CPU time the child
 * itself used (user + system, every thread, from exec to exit), which it reports on exit. Other
 * processes on the machine stretch the wall time by however long the child waited for a core;
 * they barely move its CPU time. A function's init in Lambda runs on a share of one vCPU
 * (512 MB is about a third of one), so there the time init takes follows its CPU time, and the
 * work V8's helper threads do counts as much as the main thread's.
 */
import { spawnSync } from 'node:child_process';
import { msSince } from './stats';

export interface ChildTiming {
  wallMs: number;
  cpuMs: number;
}

const MARK = 'bench-cpu-us=';
/** Runs after the script and the event loop are done, the same few lines for every variant. */
const REPORT_CPU = `process.on('exit', () => { const used = process.cpuUsage(); require('node:fs').writeSync(1, '\\n${MARK}' + (used.user + used.system) + '\\n'); });`;

export function timeChild(node: string, script: string, env: NodeJS.ProcessEnv, label: string): ChildTiming {
  const start = process.hrtime.bigint();
  const child = spawnSync(node, ['-e', `${REPORT_CPU}\n${script}`], { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 20 });
  const wallMs = msSince(start);
  if (child.error || child.status !== 0) {
    const why = child.error?.message ?? `exit ${String(child.status ?? child.signal)}: ${child.stderr.toString().trim().split('\n').slice(0, 5).join(' | ')}`;
    throw new Error(`${label} failed (${why})`);
  }
  const reported = child.stdout
    .toString()
    .split('\n')
    .findLast((line) => line.startsWith(MARK));
  if (reported === undefined) throw new Error(`${label} reported no CPU time`);
  return { wallMs, cpuMs: Number(reported.slice(MARK.length)) / 1000 };
}
