/**
 * Readers over time: per post, the concurrent readers of each bucket (a minute by default) over
 * the last `SERIES_BUCKETS` buckets (24 hours of minutes). Pure code shared by both stores: the
 * layout's constants and how a read fills the buckets nobody recorded.
 *
 * Who writes: the nodes' heartbeat (`refresh`), never a join. Each renewal of a post records the
 * post's count (its global count, from the store) in the current bucket: the bucket's max is
 * raised to it, and it is a sample of the bucket's mean unless another sample was taken less than
 * `seriesSampleGapMs` ago. The max is the same whichever node reports it; the gap keeps the mean
 * from leaning towards the moments when more nodes held readers (each node renews every post it
 * has readers on, so a post on three nodes would otherwise be sampled three times as often when
 * it is busy).
 *
 * Reading: a bucket with a sample has its max and mean. A bucket without one had no node with a
 * reader of the post renewing it, so it had no readers: 0, from the post's first recorded bucket
 * on (its readers leaving draws the line down to 0, not a stop at the last value). Before that
 * first bucket (a post never read, or history lost with a Redis restart) the bucket is unknown:
 * null. The current bucket, while nothing recorded it yet, is the live count.
 */

/** Buckets a series keeps: 24 hours of one-minute buckets. */
export const SERIES_BUCKETS = 1_440;

/** Buckets per chunk (one hash field of the Redis store). */
export const SERIES_CHUNK_BUCKETS = 60;

/**
 * Chunks in the ring: one more than 1,440 / 60, so the oldest of the `SERIES_BUCKETS` buckets a
 * read may ask for is never in a chunk already reused for the current one.
 */
export const SERIES_CHUNKS = SERIES_BUCKETS / SERIES_CHUNK_BUCKETS + 1;

/** The length of a bucket unless a store is told otherwise: one minute. */
export const DEFAULT_SERIES_BUCKET_MS = 60_000;

/** One bucket of a series. */
export interface SeriesPoint {
  /** The most readers at once the bucket's samples saw. */
  max: number;
  /** The mean of the bucket's samples, to two decimals. */
  mean: number;
}

/** A post's readers over its last buckets. */
export interface PostSeries {
  postId: number;
  /** When the first bucket began, ms since the epoch by the store's clock. */
  from: number;
  bucketMs: number;
  /**
   * Oldest first, the last the current (unfinished) bucket. `null`: not known (before the
   * post's first recorded bucket: never read, or history lost with a Redis restart).
   */
  points: (SeriesPoint | null)[];
}

/** What a bucket holds in a store: samples 0 means nothing recorded it. */
export interface BucketRecord {
  max: number;
  sum: number;
  samples: number;
}

/** What a store read for one post; `records` oldest first, one per bucket asked for. */
export interface RawSeries {
  postId: number;
  nowMs: number;
  /** The live count now. */
  live: number;
  /** The first bucket recorded (bucket number, `floor(ms / bucketMs)`); undefined: none. */
  since: number | undefined;
  records: readonly BucketRecord[];
}

/** The points of a raw read (see the module's comment for the rules). */
export function seriesOf(raw: RawSeries, bucketMs: number): PostSeries {
  const current = Math.floor(raw.nowMs / bucketMs);
  const first = current - raw.records.length + 1;
  const points = raw.records.map((record, i): SeriesPoint | null => {
    const bucket = first + i;
    if (record.samples > 0) {
      return { max: record.max, mean: Math.round((record.sum / record.samples) * 100) / 100 };
    }
    if (bucket === current) return { max: raw.live, mean: raw.live };
    if (raw.since === undefined || bucket < raw.since) return null;
    return { max: 0, mean: 0 };
  });
  return { postId: raw.postId, from: first * bucketMs, bucketMs, points };
}

/**
 * Adds a count to a bucket: the max is raised; the count is a sample when `sample` (the first
 * count of a bucket always is). Returns the new record.
 */
export function recordCount(record: BucketRecord, count: number, sample: boolean): BucketRecord {
  const first = record.samples === 0;
  return {
    max: first ? count : Math.max(record.max, count),
    sum: first || sample ? record.sum + count : record.sum,
    samples: first || sample ? record.samples + 1 : record.samples,
  };
}

/** The `buckets` argument of a series read: 1..SERIES_BUCKETS. */
export function isSeriesLength(buckets: number): boolean {
  return Number.isSafeInteger(buckets) && buckets >= 1 && buckets <= SERIES_BUCKETS;
}
