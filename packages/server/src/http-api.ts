import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPostId, isSiteKey } from '@vip-presence/protocol';
import type { Metrics } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import {
  isSeriesLength,
  SERIES_BUCKETS,
  type PostSeries,
  type PostStats,
  type PresenceStore,
} from '@vip-presence/store';
import { SERVER_VERSION } from './version.js';

/** Most post ids one counts request may ask for. */
export const MAX_API_POST_IDS = 500;
/** Most posts one top request may ask for. */
export const MAX_API_TOP = 100;
/** Most posts one counts request may ask for with `series=` (each up to 1,440 buckets). */
export const MAX_API_SERIES_POSTS = 100;

export interface HttpApiContext {
  /** The store of a site's posts (undefined: the default site). */
  storeOf(site: string | undefined): PresenceStore;
  metrics: Metrics;
  /** Bearer credentials the read API accepts (none: development mode, open). */
  readCredentials: readonly string[];
  isReady(): Promise<boolean>;
}

/** What the read API says of one post: readers now, the most at once (and when), total views. */
export interface PostStatsBody {
  count: number;
  peak: number;
  /** When the peak was first reached, ms since the epoch; null while the post never had a reader. */
  peakAt: number | null;
  views: number;
  /** Readers over time, with `series=N`: the post's last N buckets. */
  series?: SeriesBody;
}

/**
 * A post's readers over time: bucket i began at `from + i * bucketMs` (ms since the epoch), the
 * last is the current one. `max[i]` the most readers at once in it, `mean[i]` their mean; `null`
 * where not known (before the post's first recorded bucket: never read, or lost with Redis).
 */
export interface SeriesBody {
  from: number;
  bucketMs: number;
  max: (number | null)[];
  mean: (number | null)[];
}

/**
 * Which listener a handler serves. The public one faces readers: Socket.IO (which never reaches
 * this handler), `/healthz` and `/readyz`. The private one is for Prometheus and WordPress's PHP:
 * `/metrics`, the read API, and the probes too, so one internal address serves every check.
 */
export type Listener = 'public' | 'private';

/**
 * `/healthz` and `/readyz` on both listeners; `/metrics` and the read API (`/api/v1/counts`,
 * `/api/v1/top`, with `Authorization: Bearer <readApiToken>`, or a signing secret while no read
 * token is set; `site=` names the site, absent: the default one) on the private one only: the
 * public one answers them 404, as any other path.
 *
 *   /api/v1/counts?postIds=1,2  { counts: { "1": 3, "2": 0 },
 *                                 stats: { "1": { count, peak, peakAt, views }, "2": {...} } }
 *   /api/v1/top?limit=10        { posts: [ { postId, count, peak, peakAt, views } ] }
 *
 * `series=N` (1-1,440) on either adds each post's readers over its last N buckets (`SeriesBody`)
 * as `series` beside its peak and views (counts: at most 100 posts then).
 *
 * `counts` and the `postId`/`count` of `posts` are the v1 answer, kept for older clients.
 */
export function createHttpHandler(ctx: HttpApiContext, listener: Listener) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET, HEAD' });
      }
      if (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding']) {
        return send(res, 413, { error: 'body_not_allowed' });
      }
      switch (url.pathname) {
        case '/healthz':
          return send(res, 200, { status: 'ok', version: SERVER_VERSION });
        case '/readyz': {
          const ready = await ctx.isReady();
          return send(res, ready ? 200 : 503, { ready, store: ctx.storeOf(undefined).kind });
        }
      }
      if (listener === 'private') {
        switch (url.pathname) {
          case '/metrics':
            res.writeHead(200, { 'Content-Type': ctx.metrics.registry.contentType });
            res.end(await ctx.metrics.registry.metrics());
            return;
          case '/api/v1/counts':
          case '/api/v1/top':
            if (!authorized(req, ctx.readCredentials)) {
              return send(res, 401, { error: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
            }
            // Awaited here, inside the try: a store that fails (Redis away) answers 503, and its
            // rejection never escapes the handler (Node would end the process on it).
            return await readApi(url, res, ctx);
        }
      }
      return send(res, 404, { error: 'not_found' });
    } catch {
      if (!res.headersSent) send(res, 503, { error: 'unavailable' });
      else res.end();
    }
  };
}

async function readApi(url: URL, res: ServerResponse, ctx: HttpApiContext): Promise<void> {
  const site = url.searchParams.get('site') ?? undefined;
  if (site !== undefined && !isSiteKey(site)) {
    return send(res, 400, {
      error: 'invalid_site',
      message: 'site must be 1-64 characters of [A-Za-z0-9_-]',
    });
  }
  const store = ctx.storeOf(site);
  return url.pathname === '/api/v1/top' ? top(url, res, store) : counts(url, res, store);
}

/** The `series=` parameter: undefined when absent, null when invalid (answered already). */
function seriesParam(
  url: URL,
  res: ServerResponse,
  store: PresenceStore,
): number | undefined | null {
  const raw = url.searchParams.get('series');
  if (raw === null) return undefined;
  const buckets = Number(raw);
  if (!/^\d+$/.test(raw) || !isSeriesLength(buckets)) {
    send(res, 400, {
      error: 'invalid_payload',
      message: `series must be a number of buckets, 1-${SERIES_BUCKETS}`,
    });
    return null;
  }
  if (store.seriesBucketMs === 0) {
    send(res, 400, {
      error: 'series_off',
      message: 'this server keeps no readers over time (SERIES_BUCKET_MS=0)',
    });
    return null;
  }
  return buckets;
}

/** Each post's series body, when `buckets` asks for one. */
async function seriesBodies(
  store: PresenceStore,
  postIds: readonly number[],
  buckets: number | undefined,
): Promise<Map<number, SeriesBody>> {
  if (buckets === undefined) return new Map();
  const all = await store.series(postIds, buckets);
  return new Map(all.map((series) => [series.postId, seriesBody(series)]));
}

function seriesBody({ from, bucketMs, points }: PostSeries): SeriesBody {
  return {
    from,
    bucketMs,
    max: points.map((point) => point?.max ?? null),
    mean: points.map((point) => point?.mean ?? null),
  };
}

async function counts(url: URL, res: ServerResponse, store: PresenceStore): Promise<void> {
  const raw = (url.searchParams.get('postIds') ?? '').split(',').filter(Boolean);
  const postIds = [...new Set(raw.map(Number))];
  if (
    postIds.length === 0 ||
    postIds.length > MAX_API_POST_IDS ||
    !postIds.every(isPostId) ||
    !raw.every((id) => /^\d+$/.test(id))
  ) {
    return send(res, 400, {
      error: 'invalid_payload',
      message: `postIds must be 1-${MAX_API_POST_IDS} comma-separated positive integers`,
    });
  }
  const buckets = seriesParam(url, res, store);
  if (buckets === null) return;
  if (buckets !== undefined && postIds.length > MAX_API_SERIES_POSTS) {
    return send(res, 400, {
      error: 'invalid_payload',
      message: `with series, postIds must be at most ${MAX_API_SERIES_POSTS} posts`,
    });
  }
  const [result, series] = await Promise.all([
    store.stats(postIds),
    seriesBodies(store, postIds, buckets),
  ]);
  return send(res, 200, {
    counts: Object.fromEntries(result.map((c) => [String(c.postId), c.count])),
    stats: Object.fromEntries(
      result.map((c) => [String(c.postId), withSeries(statsBody(c), series.get(c.postId))]),
    ),
  });
}

function withSeries(body: PostStatsBody, series: SeriesBody | undefined): PostStatsBody {
  return series ? { ...body, series } : body;
}

async function top(url: URL, res: ServerResponse, store: PresenceStore): Promise<void> {
  const limit = Number(url.searchParams.get('limit') ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_API_TOP) {
    return send(res, 400, { error: 'invalid_payload', message: `limit must be 1-${MAX_API_TOP}` });
  }
  const buckets = seriesParam(url, res, store);
  if (buckets === null) return;
  const posts = await store.top(limit);
  const postIds = posts.map((p) => p.postId);
  // The ranking's counts stay as ranked; peaks and views are read just after (a peak read later
  // is never below a count read earlier).
  const [all, series] = await Promise.all([
    store.stats(postIds),
    seriesBodies(store, postIds, buckets),
  ]);
  const stats = new Map(all.map((s) => [s.postId, s]));
  return send(res, 200, {
    posts: posts.map(({ postId, count }) => {
      const { peak, peakAt, views } = statsBody({ ...stats.get(postId)!, count });
      return { postId, ...withSeries({ count, peak, peakAt, views }, series.get(postId)) };
    }),
  });
}

function statsBody({ count, peak, peakAt, views }: PostStats): PostStatsBody {
  return { count, peak, peakAt: peak > 0 ? peakAt : null, views };
}

function authorized(req: IncomingMessage, credentials: readonly string[]): boolean {
  if (credentials.length === 0) return true; // development mode, logged at start
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  return credentials.some((key) => {
    const expected = Buffer.from(key);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(json);
}

/** The read API's credentials: its own token, else (deprecated) the signing secrets, else none. */
export function readCredentials(
  options: Pick<ResolvedOptions, 'readApiToken' | 'secret'>,
): readonly string[] {
  if (options.readApiToken) return [options.readApiToken];
  const { secret } = options;
  if (!secret) return [];
  return typeof secret === 'string' ? [secret] : secret;
}
