/**
 * The `node` the load and cold-call children run: the functions' Lambda runtime version, not
 * whichever Node runs the bench, because load ratios move with the Node version (the same
 * bundles measure ~1.45× the SDK-only floor under Node 20 and ~1.32× under Node 24). Node is
 * published on the npm registry as a package holding its binary (`node-<platform>-<arch>`, no
 * install script), so the bench fetches the pinned one into .bench/ once when this machine's
 * Node is another version. `BENCH_NODE=/path/to/node` overrides both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIME_NODE_MAJOR } from '../../lib/bundling';
import { ROOT } from './bundles';

/** Exact, so every run measures the same binary; its major must be the runtime's. */
export const RUNTIME_NODE_VERSION = '24.22.3';

export interface RuntimeNode {
  path: string;
  version: string;
  /** Where it came from, for the report. */
  source: string;
}

const majorOf = (version: string): number => Number(version.replace(/^v/, '').split('.')[0]);

function versionOf(path: string): string {
  const child = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (child.error || child.status !== 0) throw new Error(`${path} --version failed (${child.error?.message ?? child.stderr.trim()})`);
  return child.stdout.trim().replace(/^v/, '');
}

function run(command: string, args: readonly string[], cwd: string): void {
  const child = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.error || child.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${child.error?.message ?? child.stderr.trim().slice(0, 300)})`);
}

/** `npm pack` of node-<platform>-<arch>@<version> into .bench/node/, unpacked once. */
function fetchFromRegistry(): string {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const name = `node-${platform}-${process.arch}`;
  const dir = join(ROOT, '.bench', 'node', `${name}-${RUNTIME_NODE_VERSION}`);
  const binary = join(dir, 'package', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  process.stdout.write(`fetching ${name}@${RUNTIME_NODE_VERSION} from the npm registry (once, into ${dir.slice(ROOT.length + 1)}) ...\n`);
  run('npm', ['pack', `${name}@${RUNTIME_NODE_VERSION}`, '--silent'], dir);
  run('tar', ['xzf', `${name}-${RUNTIME_NODE_VERSION}.tgz`], dir);
  if (!existsSync(binary)) throw new Error(`${name}@${RUNTIME_NODE_VERSION} holds no ${binary.slice(dir.length + 1)}`);
  return binary;
}

export function runtimeNode(): RuntimeNode {
  if (majorOf(RUNTIME_NODE_VERSION) !== RUNTIME_NODE_MAJOR) {
    throw new Error(`RUNTIME_NODE_VERSION ${RUNTIME_NODE_VERSION} is not Node ${RUNTIME_NODE_MAJOR}, the functions' runtime (lib/bundling.ts)`);
  }
  const chosen = process.env.BENCH_NODE;
  const candidate: Omit<RuntimeNode, 'version'> = chosen
    ? { path: chosen, source: 'BENCH_NODE' }
    : majorOf(process.versions.node) === RUNTIME_NODE_MAJOR
      ? { path: process.execPath, source: 'the Node running the bench' }
      : { path: fetchFromRegistry(), source: `node-${process.platform}-${process.arch}@${RUNTIME_NODE_VERSION} from the npm registry` };
  const version = versionOf(candidate.path);
  if (majorOf(version) !== RUNTIME_NODE_MAJOR) {
    throw new Error(`${candidate.path} (${candidate.source}) is Node ${version}; the budgets are set for Node ${RUNTIME_NODE_MAJOR}, the functions' runtime`);
  }
  return { ...candidate, version };
}
