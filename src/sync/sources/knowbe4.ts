/**
 * KnowBe4 training completions: `GET /v1/training/enrollments` on the account's regional
 * Reporting API host, filtered by `campaign_id` or `store_purchase_id` (developer.knowbe4.com,
 * "Training"), paginated with `page` and `per_page` (at most 500; a bare JSON array, the last page
 * shorter). An enrollment names its user as `{id, first_name, last_name, email}`; where the email
 * is missing, users are resolved by id from `GET /v1/users` once per run. Only `Passed`
 * enrollments with a `completion_date` count.
 */
import { collectRun, DEFAULT_MAX_PAGES, type FetchRunOptions, parseJson } from '../fetch-run';
import { asRecord, readEmail, readId, readInstant } from '../hostile-values';
import { apiUrl, SourceHttp } from '../source-http';
import { KNOWBE4_HOSTS, type KnowBe4Source } from '../source-item';
import type { ApiKeySecret } from '../source-secret';
import { type RunCollector, type SkipReason, type SyncedTraining, type SyncRun, trainingCollector } from '../sync-result';

const PAGE_SIZE = 500;

interface Listing {
  /** The query parameter that filters enrollments. */
  filter: 'campaign_id' | 'store_purchase_id';
  id: string;
  course: string;
}

interface Pending {
  userId: string;
  course: string;
  completedAt: number;
}

export async function fetchKnowBe4Training(source: KnowBe4Source, secret: ApiKeySecret, options: FetchRunOptions): Promise<SyncRun<SyncedTraining>> {
  const http = SourceHttp.forRun(options, secret.allowed_hosts, { authorization: `Bearer ${secret.api_key}`, accept: 'application/json' });
  const collector = trainingCollector();
  const base = secret.base_url ?? `https://${KNOWBE4_HOSTS[source.region]}`;
  const listings: Listing[] = [
    ...Object.entries(source.campaigns ?? {}).map(([id, course]): Listing => ({ filter: 'campaign_id', id, course })),
    ...Object.entries(source.modules ?? {}).map(([id, course]): Listing => ({ filter: 'store_purchase_id', id, course })),
  ];
  const page = (path: string, query: Record<string, string>, number: number) => {
    const url = apiUrl(base, path);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    url.searchParams.set('page', String(number));
    url.searchParams.set('per_page', String(PAGE_SIZE));
    return url;
  };

  return collectRun(
    collector,
    async () => {
      http.checkUrl(page('v1/training/enrollments', {}, 1));
      const pending: Pending[] = [];
      for (const listing of listings) {
        await readPages(
          http,
          (number) => page('v1/training/enrollments', { [listing.filter]: listing.id }, number),
          [listing.course],
          options,
          collector,
          (entry) => collector.take(readEnrollment(entry, listing.course, pending)),
        );
      }
      if (pending.length === 0) return;
      // Emails the enrollments left out, resolved once for the whole run.
      const emails = new Map<string, string>();
      await readPages(
        http,
        (number) => page('v1/users', {}, number),
        [...new Set(pending.map((record) => record.course))],
        options,
        collector,
        (entry) => {
          const user = asRecord(entry);
          const id = readId(user?.id);
          const email = readEmail(user?.email);
          if (id !== null && email !== null) emails.set(id, email);
        },
      );
      for (const record of pending) {
        const email = emails.get(record.userId);
        if (email === undefined) collector.skip('unknown_email');
        else collector.add({ email, course: record.course, completed_at: new Date(record.completedAt).toISOString() });
      }
    },
    () => http.requests,
  );
}

/** Reads `page=1, 2, …` until a page shorter than a full one; a page that does not parse is skipped. */
async function readPages(
  http: SourceHttp,
  pageUrl: (number: number) => URL,
  /** The courses a page that cannot be read leaves incomplete. */
  courses: readonly string[],
  options: FetchRunOptions,
  collector: RunCollector<SyncedTraining>,
  read: (entry: unknown) => void,
): Promise<void> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  for (let number = 1; ; number += 1) {
    if (number > maxPages) return collector.unreadable('too_many_pages', courses);
    const body = await http.get(pageUrl(number));
    const entries = body.kind === 'body' ? parseJson(body.text) : undefined;
    if (!Array.isArray(entries)) {
      collector.unreadable(body.kind === 'too_large' ? 'page_too_large' : 'page_unparseable', courses);
      continue;
    }
    collector.pagesRead += 1;
    for (const entry of entries) read(entry);
    if (entries.length < PAGE_SIZE) return;
  }
}

function readEnrollment(value: unknown, course: string, pending: Pending[]): SyncedTraining | SkipReason | null {
  const enrollment = asRecord(value);
  if (!enrollment) return 'entry_unparseable';
  if (enrollment.status !== 'Passed') return null;
  const completedAt = readInstant(enrollment.completion_date);
  if (completedAt === null) return 'bad_time';
  const user = asRecord(enrollment.user);
  const email = readEmail(user?.email);
  if (email !== null) return { email, course, completed_at: new Date(completedAt).toISOString() };
  const userId = readId(user?.id);
  if (userId === null) return 'unknown_email';
  pending.push({ userId, course, completedAt });
  return null;
}
