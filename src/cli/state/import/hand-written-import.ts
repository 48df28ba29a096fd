/**
 * What `import-shifts` and `import-training` share: a file's rows, read and checked, written as
 * hand-written items of one schedule or course recording who imported them: one row per key
 * (./one-per-key.ts), none where a source syncs the key (./not-synced.ts), each put only while
 * no synced item holds it (./write-hand-written.ts);
 * a dry run writes nothing. Rejected rows are listed, the rest is still written, and the exit
 * code is 1 when any row was rejected. Each command says what its rows are (`ImportKind`) and
 * adds what only it does (a calendar's window, `--replace`).
 */
import { Deadline } from '../../../kernel/deadline';
import type { ShiftItem } from '../../../store/shift-item';
import { DynamoSyncedStateStore } from '../../../store/synced-state-store';
import type { TrainingItem } from '../../../store/training-item';
import type { CommandDeps } from '../../shared/command';
import { EXIT, type ExitCode } from '../../shared/exit-codes';
import type { OpenTables, TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { openTables, STATE_TABLES, tablesOf } from '../../shared/table-options';
import { type Colours, type Printed, printed } from '../../shared/terminal-text';
import { importer } from './importer';
import { nameArgument } from './name-argument';
import { notSynced } from './not-synced';
import { onePerKey } from './one-per-key';
import { readImportFile } from './read-file';
import { type Rejection, rejectionLine } from './rejection';
import { writeHandWritten } from './write-hand-written';

/** What commander parsed for both imports, besides the name's own flag. */
export interface ImportFlags extends TablesOptions {
  dryRun?: boolean;
  by?: string;
  json?: boolean;
}

export interface ImportOptions {
  file: string;
  /** The schedule or course every row is for. */
  name: string;
  dryRun: boolean;
  /** `--by`; git's user.email when not given. */
  by?: string;
  tables: TablesOptions;
}

/** `nameFlag`: `--schedule`, `--course`; required. */
export function importOptions(file: string, name: string | undefined, nameFlag: string, flags: ImportFlags): ImportOptions {
  return {
    file,
    name: nameArgument(name, nameFlag),
    dryRun: flags.dryRun === true,
    ...(flags.by === undefined ? {} : { by: flags.by }),
    tables: tablesOf(flags),
  };
}

/** A row of the file, checked: where it is, and whose it is. */
export interface FileEntry {
  line: number | null;
  email: string;
}

export interface FileEntries<Entry extends FileEntry> {
  entries: Entry[];
  rejected: Rejection[];
}

export type ImportItem = ShiftItem | TrainingItem;

export interface Candidate<Entry extends FileEntry, Item extends ImportItem> {
  entry: Entry;
  item: Item;
}

/** What an import's rows are: how each becomes an item, and how it is shown written or kept. */
export interface ImportKind<Entry extends FileEntry, Item extends ImportItem, Written, Kept> {
  /** The JSON document's key for the name: `schedule`, `course`. */
  nameKey: string;
  /** What two rows for one item share, e.g. `person and starts_at`. */
  sameKey: string;
  /** One item, as the summary counts it (`shift`, `training record`), and as a rejection names it (`shift`, `record`). */
  noun: string;
  shortNoun: string;
  item(entry: Entry, name: string, imported: { by: string; at: Date }): Item;
  written(candidate: Candidate<Entry, Item>): Written;
  kept(candidate: Candidate<Entry, Item>, source: string | null): Kept;
  writtenLine(row: Written): Printed;
  keptLine(row: Kept): Printed;
}

/** An import under way: its tables, who imports, its clock and budget. */
export interface ImportRun {
  options: ImportOptions;
  db: OpenTables;
  by: string;
  now: Date;
  deadline: Deadline;
}

export interface ImportOutcome<Written, Kept> {
  table: string;
  name: string;
  file: string;
  dryRun: boolean;
  by: string;
  written: Written[];
  /** Synced by a source under the same key between the check and the write: left to it. */
  kept: Kept[];
  /** By line; a calendar's events (no line) last. */
  rejected: Rejection[];
}

const BUDGET_MS = 60_000;

/** The file read and checked, who imports, the tables opened; `use` does the import, and the tables are closed after it. */
export async function runImport<Read extends FileEntries<FileEntry>, Result>(
  options: ImportOptions,
  deps: CommandDeps,
  readEntries: (text: string, now: Date) => Promise<Read>,
  use: (read: Read, run: ImportRun) => Promise<Result>,
): Promise<Result> {
  const now = deps.now();
  const read = await readEntries(readImportFile(options.file, deps.cwd), now);
  const by = importer(options.by, deps.cwd);
  const db = await openTables(options.tables, STATE_TABLES);
  try {
    return await use(read, { options, db, by, now, deadline: new Deadline(BUDGET_MS) });
  } finally {
    db.close();
  }
}

/**
 * The rows that may be written: one per key, none a source syncs. `rejected` holds the file's
 * rejections and these; `fileRejected` only the rows the file itself gets wrong.
 */
export async function acceptedEntries<Entry extends FileEntry, Item extends ImportItem>(
  kind: ImportKind<Entry, Item, unknown, unknown>,
  read: FileEntries<Entry>,
  run: ImportRun,
): Promise<{ accepted: Candidate<Entry, Item>[]; rejected: Rejection[]; fileRejected: Rejection[] }> {
  const rejected = [...read.rejected];
  const candidates = onePerKey(
    read.entries.map((entry) => ({ entry, item: kind.item(entry, run.options.name, { by: run.by, at: run.now }) })),
    ({ entry }) => entry.line,
    ({ entry }) => entry.email,
    kind.sameKey,
    rejected,
  );
  const fileRejected = [...rejected];
  const store = new DynamoSyncedStateStore(run.db.documents, run.db.required);
  const accepted = await notSynced(
    candidates,
    store,
    run.db,
    run.deadline,
    ({ entry }, source) => ({ line: entry.line, value: entry.email, reason: `source ${source} synced this ${kind.shortNoun}; the sync keeps it current` }),
    rejected,
  );
  return { accepted, rejected, fileRejected };
}

/** The accepted rows written (a dry run: as if all were), and what was left to a source meanwhile; the outcome so far. */
export async function writeAccepted<Entry extends FileEntry, Item extends ImportItem, Written, Kept>(
  kind: ImportKind<Entry, Item, Written, Kept>,
  accepted: readonly Candidate<Entry, Item>[],
  rejected: Rejection[],
  run: ImportRun,
): Promise<ImportOutcome<Written, Kept>> {
  const writes = run.options.dryRun ? { written: [...accepted], kept: [] } : await writeHandWritten(accepted, run.db, run.deadline);
  return {
    table: run.db.required,
    name: run.options.name,
    file: run.options.file,
    dryRun: run.options.dryRun,
    by: run.by,
    written: writes.written.map((candidate) => kind.written(candidate)),
    kept: writes.kept.map(({ candidate, source }) => kind.kept(candidate, source)),
    rejected: rejected.sort(byLine),
  };
}

export const importExitCode = (outcome: ImportOutcome<unknown, unknown>): ExitCode => (outcome.rejected.length > 0 ? EXIT.negative : EXIT.ok);

/** The `--json` document: `inserted` after who imported, `appended` at the end. */
export function importJson<Written, Kept>(
  kind: ImportKind<FileEntry, ImportItem, Written, Kept>,
  outcome: ImportOutcome<Written, Kept>,
  inserted: Record<string, unknown> = {},
  appended: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    table: outcome.table,
    [kind.nameKey]: outcome.name,
    file: outcome.file,
    dry_run: outcome.dryRun,
    imported_by: outcome.by,
    ...inserted,
    written: outcome.written,
    kept: outcome.kept,
    rejected: outcome.rejected,
    ...appended,
  };
}

/** The summary's parts, in the order they are shown; a command puts its own lines between them. */
export function importLines<Written, Kept>(
  kind: ImportKind<FileEntry, ImportItem, Written, Kept>,
  outcome: ImportOutcome<Written, Kept>,
  c: Colours,
): { written: Printed[]; kept: Printed[]; rejected: Printed[] } {
  const { dryRun, written, kept, rejected } = outcome;
  return {
    written: [
      ...written.map((row) => kind.writtenLine(row)),
      printed`${dryRun ? 'Would write' : 'Wrote'} ${plural(written.length, kind.noun)} of ${outcome.name} to ${outcome.table}, imported by ${outcome.by}${dryRun ? ' (dry run: nothing written)' : ''}.`,
    ],
    kept:
      kept.length === 0
        ? []
        : [
            ...kept.map((row) => kind.keptLine(row)),
            printed`Kept ${plural(kept.length, `synced ${kind.shortNoun}`)} a source wrote under the same key meanwhile (not written: the sync keeps it current).`,
          ],
    rejected:
      rejected.length === 0
        ? []
        : [c.red(printed`Rejected ${plural(rejected.length, 'row')} (not written):`), ...rejected.map((rejection) => printed`  ${rejectionLine(rejection)}`)],
  };
}

function byLine(a: Rejection, b: Rejection): number {
  return (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER);
}
