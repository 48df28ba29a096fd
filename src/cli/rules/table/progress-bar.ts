/**
 * A progress bar on stderr while the audit is read, only for a person at a terminal: never with
 * `--json`, never in CI logs.
 */
import { SingleBar } from 'cli-progress';
import type { Io } from '../../shared/io';
import type { AuditProgress } from './audited-calls';

export function auditProgressBar(io: Io, json: boolean): AuditProgress & { stop(): void } {
  if (json || !io.stderrIsTTY) return { stop: () => {} };
  const bar = new SingleBar({ format: 'reading the audit [{bar}] {value}/{total} items', stream: process.stderr, clearOnComplete: true, hideCursor: true });
  let started = false;
  return {
    onStart: (estimate) => {
      bar.start(Math.max(estimate ?? 0, 1), 0);
      started = true;
    },
    onPage: (read) => {
      if (read > bar.getTotal()) bar.setTotal(read);
      bar.update(read);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
