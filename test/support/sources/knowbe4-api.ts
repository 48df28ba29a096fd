/**
 * KnowBe4's Reporting API on loopback, as developer.knowbe4.com documents it:
 * `Authorization: Bearer …`; `GET /v1/training/enrollments` filtered by `campaign_id` or
 * `store_purchase_id`, and `GET /v1/users`, each a bare JSON array paginated with `page` (from 1)
 * and `per_page` (default 100, at most 500). An enrollment names its user as
 * `{id, first_name, last_name, email}`.
 */
import { type CannedReply, json, type LoopbackApi, type RecordedRequest, startLoopbackApi } from './loopback-api';

export interface KnowBe4Enrollment {
  enrollment_id: number;
  campaign_id: number;
  store_purchase_id: number;
  module_name: string;
  campaign_name: string;
  status: string;
  completion_date: string | null;
  user: { id: number; first_name: string; last_name: string; email?: string | null };
}

export interface KnowBe4User {
  id: number;
  email: string;
}

export interface KnowBe4Api extends LoopbackApi {
  enrollments: KnowBe4Enrollment[];
  users: KnowBe4User[];
  /** `<path>#<page>` answered with text that is not JSON. */
  malformedPages: Set<string>;
}

export async function startKnowBe4Api(apiKey: string): Promise<KnowBe4Api> {
  const enrollments: KnowBe4Enrollment[] = [];
  const users: KnowBe4User[] = [];
  const malformedPages = new Set<string>();
  const api = await startLoopbackApi((request) => answer(request, apiKey, enrollments, users, malformedPages));
  return Object.assign(api, { enrollments, users, malformedPages });
}

function answer(request: RecordedRequest, apiKey: string, enrollments: KnowBe4Enrollment[], users: KnowBe4User[], malformed: Set<string>): CannedReply {
  if (request.headers.authorization !== `Bearer ${apiKey}`) return json({ message: 'Unauthorized' }, 401);
  const { query } = request;
  const page = Number(query.get('page') ?? 1);
  const perPage = Math.min(Number(query.get('per_page') ?? 100), 500);
  if (malformed.has(`${request.path}#${page}`)) return { status: 200, headers: { 'content-type': 'application/json' }, body: '[{"enrollment_id": 1,' };
  const slice = <T>(items: T[]) => json(items.slice((page - 1) * perPage, page * perPage));
  if (request.path === '/v1/users') return slice(users);
  if (request.path !== '/v1/training/enrollments') return json({ message: 'Not Found' }, 404);
  const campaign = query.get('campaign_id');
  const module = query.get('store_purchase_id');
  return slice(
    enrollments.filter(
      (enrollment) =>
        (campaign === null || String(enrollment.campaign_id) === campaign) && (module === null || String(enrollment.store_purchase_id) === module),
    ),
  );
}
