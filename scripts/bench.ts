/**
 * `npm run bench`: the performance budgets (docs/performance.md, "Budgets"), measured side by
 * side in one run because this machine is shared and noisy: every budget is a ratio against a
 * baseline taken in the same run, in the same rounds, never an absolute time. Children are
 * judged on the CPU time they report, which other processes barely move; in-process latency
 * against the store alone, round by round. Exits 1 if a budget fails. Load ratios depend on the
 * Node version, so bundles are loaded under the functions' runtime
 * (scripts/bench/runtime-node.ts), whichever Node runs the bench.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { WEBHOOK_FUNCTIONS } from '../src/app/functions';
import type { RunningDynamoDb } from '../src/local/dynamodb-local';
import { Budgets } from './bench/budgets';
import { buildAll, bundlePath, bundleSize, DEFAULT_DIR, holdsClassicZod, OURS_DIR, ROOT, SDK_ONLY, SDK_ONLY_DIR } from './bench/bundles';
import { WARM_CASES, type WarmCase } from './bench/cases';
import { type ColdCallResult, measureColdCalls, seedPatternRule } from './bench/cold-call';
import { runContention } from './bench/contention';
import { type CountingProxy, startCountingProxy } from './bench/counting-proxy';
import { startSeededDynamoDb } from './bench/dynamo';
import { applyHandlerEnv, lambdaInitEnv } from './bench/env';
import { functionInitEnv } from './bench/function-env';
import { assertInitialised, type LoadResult, type LoadVariant, measureLoad, overheadOver, overheadRatio } from './bench/load';
import { measurePatterns, RE2_RUNS } from './bench/patterns';
import { measureReplay, REPLAY_CALLS } from './bench/replay';
import { type RuntimeNode, runtimeNode } from './bench/runtime-node';
import { medianRatio, msSince, percentile } from './bench/stats';
import { type StoreBaseline, storeBaseline } from './bench/store-baseline';
import { measureSweep } from './bench/sweep';
import { measureSync, SHIFTS_PER_SCHEDULE, SYNC_SCHEDULES } from './bench/sync';
import { bytes, formatTable, ms, type Row, ratio, section } from './bench/table';
import { type BundleHandler, callOnce, caseBody, caseSubject, loadHandler, runInterleaved, type WarmRun } from './bench/warm';

const LOAD = { warmupRounds: 3, rounds: 100, maxRatioToSdkOnly: 1.35, maxRatioToDefault: 2 / 3 };
const WARM = { storeWarmup: 1_000, warmup: 30, calls: 1_000, maxP50ToStore: 1.5, maxP99ToStore: 3 };
const COUNT = { warmup: 3, calls: 50 };
const COLD = { warmupRounds: 2, rounds: 30, maxPatternRatio: 1.15 };
/** RE2's slowest allowed match against the store alone's p50: a pattern may cost a call no more than the store round trip it makes anyway. */
const PATTERNS = { maxRe2ToStoreP50: 1 };
const CONTENTION = { calls: 20 };

const READ_OPERATIONS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

const relative = (file: string) => file.slice(ROOT.length + 1);
const caseLabel = (warmCase: WarmCase) => `${warmCase.kind}  ${warmCase.mix}`;

function reportSizes(slugs: readonly string[], budgets: Budgets): void {
  const row = (label: string, file: string): Row => {
    const size = bundleSize(file);
    return [label, bytes(size.bytes), bytes(size.gzip)];
  };
  const rows = [...slugs.map((slug) => row(slug, bundlePath(OURS_DIR, slug))), row('SDK only (the floor)', bundlePath(SDK_ONLY_DIR, SDK_ONLY))];
  section('bundle size', formatTable(['bundle (dist/<slug>/index.js: minified, SDK bundled)', 'bytes', 'gzip'], rows));
  const classic = slugs.filter((slug) => holdsClassicZod(bundlePath(OURS_DIR, slug)));
  budgets.check(
    classic.length === 0,
    'bundles hold zod/mini, not classic zod',
    classic.length === 0 ? `${slugs.length} bundles` : `classic zod in ${classic.join(', ')}`,
  );
}

interface FunctionLoad {
  slug: string;
  ours: LoadResult;
  cdkDefault: LoadResult;
}

function loadRow(label: string, result: LoadResult, bare: LoadResult, sdkOnly: LoadResult, cdkDefault?: LoadResult): Row {
  const ours = result !== bare && result !== sdkOnly;
  return [
    label,
    ms(result.median),
    `${ms(result.p25, 0)}–${ms(result.p75, 0)}`,
    result === bare ? '–' : ms(overheadOver(result, bare)),
    ours ? ratio(overheadRatio(result, sdkOnly, bare)) : '',
    cdkDefault ? ratio(overheadRatio(result, cdkDefault, bare)) : '',
    ms(result.wallMedian),
  ];
}

/**
 * Process start + require of each function's bundle, in its own environment (so its clients are
 * built as in Lambda), beside bare `node`, the SDK-only floor and CDK's default build: all
 * interleaved in one run and compared round by round on the children's CPU time, so the ratios
 * hold on any machine, busy or not.
 */
function reportLoad(node: RuntimeNode, slugs: readonly string[], budgets: Budgets): void {
  const baseEnv = lambdaInitEnv();
  const bare: LoadVariant = { label: 'bare node -e 0', env: baseEnv };
  const sdkOnly: LoadVariant = { label: 'SDK only', bundle: bundlePath(SDK_ONLY_DIR, SDK_ONLY), env: baseEnv };
  const planned = slugs.map((slug) => {
    const spec = WEBHOOK_FUNCTIONS.find((candidate) => candidate.slug === slug);
    if (!spec) throw new Error(`no function spec for ${slug}`);
    const env = functionInitEnv(spec);
    return {
      slug,
      ours: { label: `ours ${slug}`, bundle: bundlePath(OURS_DIR, slug), env },
      cdkDefault: { label: `CDK default ${slug}`, bundle: bundlePath(DEFAULT_DIR, slug), env },
    };
  });
  for (const plan of planned) {
    assertInitialised(node.path, plan.ours);
    assertInitialised(node.path, plan.cdkDefault);
  }
  const variants = [bare, sdkOnly, ...planned.flatMap((plan) => [plan.ours, plan.cdkDefault])];
  const results = measureLoad(node.path, variants, LOAD.warmupRounds, LOAD.rounds);
  const resultOf = (variant: LoadVariant) => results.find((result) => result.variant === variant) as LoadResult;
  const bareResult = resultOf(bare);
  const floor = resultOf(sdkOnly);
  const perFunction: FunctionLoad[] = planned.map((plan) => ({ slug: plan.slug, ours: resultOf(plan.ours), cdkDefault: resultOf(plan.cdkDefault) }));

  const rows: Row[] = [loadRow(bare.label, bareResult, bareResult, floor), loadRow('SDK only (the floor)', floor, bareResult, floor)];
  for (const { slug, ours, cdkDefault } of perFunction) {
    rows.push(loadRow(`ours         ${slug}`, ours, bareResult, floor, cdkDefault), loadRow(`CDK default  ${slug}`, cdkDefault, bareResult, floor));
  }
  const header = [
    `node ${node.version}: process start + require, CPU time (median of ${LOAD.rounds} rounds, interleaved)`,
    'ms',
    'p25–p75',
    'overhead ms',
    '× SDK only',
    '× CDK default',
    'wall ms',
  ];
  const note = 'overhead: over bare node of the same round, the interquartile mean over the rounds; × : the ratio of two such overheads';
  section('load', `${formatTable(header, rows)}\n${note}`);

  for (const { slug, ours, cdkDefault } of perFunction) {
    const overhead = overheadOver(ours, bareResult);
    const toFloor = overheadRatio(ours, floor, bareResult);
    budgets.check(
      toFloor <= LOAD.maxRatioToSdkOnly,
      `load overhead ≤ ${LOAD.maxRatioToSdkOnly}× the SDK-only bundle’s`,
      `${slug}: ${ratio(toFloor)}× (${ms(overhead)} / ${ms(overheadOver(floor, bareResult))} ms CPU)`,
    );
    const toDefault = overheadRatio(ours, cdkDefault, bareResult);
    budgets.check(
      toDefault <= LOAD.maxRatioToDefault,
      'load overhead ≤ 2/3 of the CDK-default build’s',
      `${slug}: ${ratio(toDefault)}× (${ms(overhead)} / ${ms(overheadOver(cdkDefault, bareResult))} ms CPU)`,
    );
  }
}

/** One container per bundle: the mixes of a kind share its clients and rule cache, as in Lambda. */
function handlerFor(handlers: Map<string, BundleHandler>, warmCase: WarmCase, fresh: boolean): BundleHandler {
  const known = handlers.get(warmCase.bundle);
  if (known) return known;
  const handler = loadHandler(warmCase.bundle, fresh);
  handlers.set(warmCase.bundle, handler);
  return handler;
}

function warmRow(label: string, run: WarmRun, store: WarmRun | undefined, replies: string): Row {
  const p99 = percentile(run.samples, 0.99);
  return [
    label,
    ms(percentile(run.samples, 0.5), 2),
    ms(p99, 2),
    store ? ratio(medianRatio(run.samples, store.samples)) : '',
    store ? ratio(p99 / percentile(store.samples, 0.99)) : '',
    replies,
  ];
}

async function warmUpStore(baseline: StoreBaseline): Promise<number> {
  const started = process.hrtime.bigint();
  for (let call = 0; call < WARM.storeWarmup; call += 1) await baseline.call();
  return msSince(started);
}

/** Returns the store alone's p50, the yardstick of the pattern budget. */
async function reportWarm(endpoint: string, token: string, budgets: Budgets): Promise<number> {
  const baseline = storeBaseline(endpoint);
  try {
    // DynamoDB Local's JVM compiles its hot paths over its first ~1,000 calls; DynamoDB has no such phase.
    const storeWarmupMs = await warmUpStore(baseline);
    applyHandlerEnv(endpoint, token);
    const handlers = new Map<string, BundleHandler>();
    const subjects = WARM_CASES.map((warmCase) => caseSubject(caseLabel(warmCase), handlerFor(handlers, warmCase, false), warmCase, token));
    const [baseRun, ...runs] = (await runInterleaved([baseline, ...subjects], WARM.warmup, WARM.calls)) as [WarmRun, ...WarmRun[]];

    const rows: Row[] = [warmRow(baseline.label, baseRun, undefined, '')];
    WARM_CASES.forEach((warmCase, index) => {
      const run = runs[index] as WarmRun;
      const expected = warmCase.expected.response ?? String(warmCase.expected.statusCode);
      rows.push(warmRow(caseLabel(warmCase), run, baseRun, `${expected} ${run.matched}/${run.total}`));
      checkWarm(budgets, warmCase, run, baseRun, expected);
    });
    const header = [
      `in process, DynamoDB Local (${WARM.warmup} warmup + ${WARM.calls} rounds, interleaved)`,
      'p50 ms',
      'p99 ms',
      '× store p50',
      '× store p99',
      'replies as expected',
    ];
    const notes = [
      '× store p50: the median of the per-round ratios to the store alone; × store p99: p99 over the store alone’s p99',
      `DynamoDB Local warmed first with ${WARM.storeWarmup} store-alone pairs (${ms(storeWarmupMs / 1000)} s)`,
    ];
    section('warm latency', `${formatTable(header, rows)}\n${notes.join('\n')}`);
    return percentile(baseRun.samples, 0.5);
  } finally {
    baseline.stop();
  }
}

function checkWarm(budgets: Budgets, warmCase: WarmCase, run: WarmRun, store: WarmRun, expected: string): void {
  const label = caseLabel(warmCase);
  const toStore = medianRatio(run.samples, store.samples);
  budgets.check(toStore <= WARM.maxP50ToStore, `warm p50 ≤ ${WARM.maxP50ToStore}× the store alone’s, round by round`, `${label}: ${ratio(toStore)}×`);
  const p99 = percentile(run.samples, 0.99);
  const storeP99 = percentile(store.samples, 0.99);
  budgets.check(
    p99 / storeP99 <= WARM.maxP99ToStore,
    `warm p99 ≤ ${WARM.maxP99ToStore}× the store alone’s p99`,
    `${label}: ${ms(p99, 2)} / ${ms(storeP99, 2)} ms = ${ratio(p99 / storeP99)}×`,
  );
  budgets.check(
    run.matched === run.total,
    `every reply is ${expected}`,
    `${label}: ${run.matched}/${run.total}${run.firstMismatch ? `; ${run.firstMismatch}` : ''}`,
  );
}

interface CallCounts {
  reads: number;
  writes: number;
  detail: string;
}

function tally(counts: Map<string, number>, calls: number): CallCounts {
  let reads = 0;
  let writes = 0;
  const detail: string[] = [];
  for (const [key, count] of [...counts].sort()) {
    const operation = key.split(' ')[0] ?? '';
    if (READ_OPERATIONS.has(operation)) reads += count;
    if (WRITE_OPERATIONS.has(operation)) writes += count;
    detail.push(`${key} ×${count}`);
  }
  return { reads: reads / calls, writes: writes / calls, detail: detail.join(', ') };
}

async function countCalls(handler: BundleHandler, warmCase: WarmCase, proxy: CountingProxy, token: string, calls: number): Promise<CallCounts> {
  const body = caseBody(warmCase);
  proxy.reset();
  for (let call = 0; call < calls; call += 1) {
    const outcome = await callOnce(handler, body, token, warmCase.expected);
    if (outcome.mismatch !== undefined) throw new Error(`${caseLabel(warmCase)} through the counting proxy: ${outcome.mismatch}`);
  }
  return tally(proxy.counts(), calls);
}

/** A second container per bundle, pointed at the counting proxy. */
async function reportCalls(proxy: CountingProxy, token: string, budgets: Budgets): Promise<void> {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.endpoint;
  const handlers = new Map<string, BundleHandler>();
  const rows: Row[] = [];
  for (const warmCase of WARM_CASES) {
    const handler = handlerFor(handlers, warmCase, true);
    // The first of these loads the rules into the container's cache.
    await countCalls(handler, warmCase, proxy, token, COUNT.warmup);
    const warm = await countCalls(handler, warmCase, proxy, token, COUNT.calls);
    rows.push([caseLabel(warmCase), ms(warm.reads, 2), ms(warm.writes, 2), warm.detail]);
    const wanted = warmCase.callsPerWarmCall;
    if (wanted) {
      budgets.check(
        warm.reads === wanted.reads && warm.writes === wanted.writes,
        `exactly ${wanted.reads} read + ${wanted.writes} write per warm call`,
        `${caseLabel(warmCase)}: ${ms(warm.reads, 2)} reads, ${ms(warm.writes, 2)} writes`,
      );
    }
  }
  const header = [`DynamoDB calls per call, counted at the wire (${COUNT.calls} warm calls)`, 'reads', 'writes', 'operation table ×count'];
  section('DynamoDB calls', formatTable(header, rows));
}

/** Concurrent distinct requests on one grant: every one must get 204 (conflicts are retried with backoff). */
async function reportContention(endpoint: string, token: string, budgets: Budgets): Promise<void> {
  applyHandlerEnv(endpoint, token);
  const runs = await runContention(CONTENTION.calls, token, endpoint);
  const expectedAfter = [`held by ${CONTENTION.calls}`, 'removed'];
  const rows: Row[] = runs.map((run) => [
    run.label,
    `${run.ok}/${run.samples.length}`,
    ms(percentile(run.samples, 0.5)),
    ms(Math.max(...run.samples)),
    run.state === 'held' ? `held by ${run.holds}` : run.state,
  ]);
  const header = [`at once, one container each, DynamoDB Local`, '204s', 'p50 ms', 'max ms', 'grant after'];
  section('contention', formatTable(header, rows));
  runs.forEach((run, index) => {
    const after = rows[index]?.[4];
    budgets.check(
      run.ok === run.samples.length && after === expectedAfter[index],
      `all ${CONTENTION.calls} concurrent calls on one grant answer 204`,
      `${run.label.replace(/\s+/g, ' ')}: ${run.ok}/${run.samples.length}, grant ${after}${run.firstMismatch ? `; ${run.firstMismatch}` : ''}`,
    );
  });
}

/** The pattern engine loads on first use: a cold start pays for it only with a pattern rule in scope. */
async function reportColdCalls(node: RuntimeNode, endpoint: string, token: string, budgets: Budgets): Promise<void> {
  await seedPatternRule(endpoint);
  const [plain, withPattern] = measureColdCalls(node.path, bundlePath(OURS_DIR, 'pre-approval'), endpoint, token, COLD.warmupRounds, COLD.rounds) as [
    ColdCallResult,
    ColdCallResult,
  ];
  const toPlain = medianRatio(withPattern.cpu, plain.cpu);
  const rows: Row[] = [plain, withPattern].map((result) => [
    result.label,
    ms(result.median),
    `${ms(result.p25, 0)}–${ms(result.p75, 0)}`,
    result === plain ? '–' : ratio(toPlain),
    ms(result.wallMedian),
  ]);
  const header = [
    `node ${node.version}, pre-approval: process start + load + first call, CPU time (median of ${COLD.rounds} rounds, interleaved)`,
    'ms',
    'p25–p75',
    '× no pattern',
    'wall ms',
  ];
  section('cold call, with and without a pattern rule in scope', formatTable(header, rows));
  budgets.check(
    toPlain <= COLD.maxPatternRatio,
    `a pattern rule adds ≤ ${Math.round((COLD.maxPatternRatio - 1) * 100)}% to a cold call, round by round`,
    `${ratio(toPlain)}× (${ms(plain.median)} → ${ms(withPattern.median)} ms CPU)`,
  );
}

/** `lumos-rules plan`'s replay of 100,000 audited calls: a figure to read, not a budget. */
async function reportReplay(endpoint: string): Promise<void> {
  const figures = await measureReplay(endpoint);
  const rows: Row[] = [
    ['read from DynamoDB Local (parallel scan, no traces)', ms(figures.readMs / 1000, 1)],
    ['decided again under current and proposed rules', ms(figures.replayMs / 1000, 1)],
    ['plan’s replay in all', ms((figures.readMs + figures.replayMs) / 1000, 1)],
  ];
  const header = [
    `${REPLAY_CALLS.toLocaleString('en-US')} audited pre-approval calls (written first in ${ms(figures.writeSeconds, 0)} s), ${figures.changed.toLocaleString('en-US')} change`,
    's',
  ];
  section('replay of audited calls (lumos-rules plan)', formatTable(header, rows));
}

/** The expiry sweeper's run over 10,000 due grants: a figure to read, not a budget. */
async function reportSweep(endpoint: string): Promise<void> {
  const figures = await measureSweep(endpoint);
  const header = [
    `${figures.grants.toLocaleString('en-US')} expired ledger grants (written first in ${ms(figures.writeSeconds, 0)} s), ${figures.concurrency} at a time`,
    's',
  ];
  const rows: Row[] = [['one sweep: index, read, revoking, removed, audit item each', ms(figures.sweepMs / 1000, 1)]];
  section('expiry sweep of due grants (DynamoDB Local)', formatTable(header, rows));
}

/** The state sync of 500 schedules × 10 shifts from a loopback PagerDuty: a figure to read, not a budget. */
async function reportSync(endpoint: string): Promise<void> {
  const figures = await measureSync(endpoint);
  const header = [`${SYNC_SCHEDULES} schedules × ${SHIFTS_PER_SCHEDULE} shifts, one PagerDuty source (loopback), into DynamoDB Local`, 's'];
  const rows: Row[] = [
    [
      `first run: ${figures.returned.toLocaleString('en-US')} shifts fetched, ${figures.written.toLocaleString('en-US')} written`,
      ms(figures.firstRunMs / 1000, 1),
    ],
    ['second run: the same shifts again', ms(figures.secondRunMs / 1000, 1)],
  ];
  section('state sync (state-sync)', `${formatTable(header, rows)}\n${figures.requests} API requests in both runs`);
}

/** RE2 against V8's backtracking RegExp on the pattern that once stalled every call. */
function reportPatterns(budgets: Budgets, storeP50: number): void {
  const timings = measurePatterns();
  const rows: Row[] = timings.map((timing) => [timing.engine, timing.pattern, String(timing.inputLength), ms(timing.ms, 3)]);
  const header = ['engine', 'pattern', 'input chars', 'ms'];
  section(
    `patterns that stall a backtracking engine (no match, CPU ms; V8 one test each, RE2 the median of ${RE2_RUNS} first matches)`,
    formatTable(header, rows),
  );
  const worstRe2 = Math.max(...timings.filter((timing) => timing.engine === 'RE2 (rules)').map((timing) => timing.ms));
  budgets.check(
    worstRe2 / storeP50 <= PATTERNS.maxRe2ToStoreP50,
    `RE2’s slowest match, up to 1,000 characters, ≤ ${PATTERNS.maxRe2ToStoreP50}× the store alone’s p50 (a first match on a fresh program)`,
    `${ms(worstRe2, 3)} / ${ms(storeP50, 2)} ms = ${ratio(worstRe2 / storeP50)}×`,
  );
}

async function main(): Promise<number> {
  const started = process.hrtime.bigint();
  const budgets = new Budgets();
  // The SDK warns once per process on Node 20 (Lambda runs 22/24); keep it out of the report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Ctrl-C would skip the `finally`; exiting instead runs DynamoDB Local's kill-on-exit hook.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  console.log(`bench: node ${process.version}, ${cpus().length} cpus, ${new Date().toISOString()}`);
  const node = runtimeNode();
  console.log(`load and cold-call children: node v${node.version}, the functions' runtime (${node.source})`);

  const built = await buildAll();
  console.log(
    `built ${built.slugs.map((slug) => relative(bundlePath(OURS_DIR, slug))).join(', ')}, ${relative(DEFAULT_DIR)}/ and ${relative(SDK_ONLY_DIR)}/ in ${built.ms} ms`,
  );
  reportSizes(built.slugs, budgets);
  // Before DynamoDB Local starts: its JVM would compete with the children for the two cores.
  reportLoad(
    node,
    built.slugs.filter((slug) => WEBHOOK_FUNCTIONS.some((spec) => spec.slug === slug)),
    budgets,
  );

  const token = randomBytes(24).toString('base64url');
  let dynamo: RunningDynamoDb | undefined;
  let proxy: CountingProxy | undefined;
  try {
    dynamo = await startSeededDynamoDb();
    await reportColdCalls(node, dynamo.endpoint, token, budgets);
    const storeP50 = await reportWarm(dynamo.endpoint, token, budgets);
    reportPatterns(budgets, storeP50);
    await reportContention(dynamo.endpoint, token, budgets);
    proxy = await startCountingProxy(dynamo.endpoint);
    await reportCalls(proxy, token, budgets);
    await reportSweep(dynamo.endpoint);
    await reportSync(dynamo.endpoint);
    await reportReplay(dynamo.endpoint);
  } finally {
    await proxy?.stop();
    await dynamo?.stop();
  }

  section('budgets', budgets.lines().join('\n'));
  console.log(`\nbench wall time ${ms(msSince(started) / 1000, 1)} s; ${budgets.failed === 0 ? 'all budgets met' : `${budgets.failed} budget(s) failed`}`);
  return budgets.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
