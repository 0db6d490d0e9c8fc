/** What the sockets of some groups show: waiting until every count is right, and counters. */
import type {
  ExpectArgs,
  ExpectResult,
  RecordsResult,
  StatsArgs,
  StatsResult,
} from '../messages.js';
import { sleep, summarize } from '../stats.js';
import { disconnectCount, tracked } from './clients.js';

export async function expect(args: ExpectArgs): Promise<ExpectResult> {
  const started = Date.now();
  const deadline = started + args.timeoutMs;
  const clients = tracked(args.groups);
  for (;;) {
    let checked = 0;
    let wrong = 0;
    let allRightAt = 0;
    const sample: [number, number, number][] = [];
    for (const c of clients) {
      if (!c.connected || c.post === 0) continue;
      const want = args.expected[String(c.post)];
      if (want === undefined) continue;
      checked += 1;
      if (c.count !== want) {
        wrong += 1;
        if (sample.length < 5) sample.push([c.post, c.count, want]);
      } else allRightAt = Math.max(allRightAt, c.countAt);
    }
    const now = Date.now();
    if (wrong === 0 && now - Math.max(allRightAt, started) >= args.stableMs) {
      return { ok: true, allRightAt, checked, wrong, sample };
    }
    if (now >= deadline) return { ok: false, allRightAt, checked, wrong, sample };
    await sleep(25);
  }
}

export function stats(args: StatsArgs): StatsResult {
  const clients = tracked(args.groups);
  const per = clients.map((c) => c.messages);
  const total = per.reduce((a, b) => a + b, 0);
  return {
    sockets: clients.length,
    connected: clients.filter((c) => c.connected).length,
    disconnects: disconnectCount(),
    messages: { ...summarize(per), total },
    foreign: clients.reduce((a, c) => a + c.foreign, 0),
  };
}

export function resetStats(args: StatsArgs): void {
  for (const c of tracked(args.groups)) {
    c.messages = 0;
    c.foreign = 0;
  }
}

export function records(args: StatsArgs): RecordsResult {
  return { records: tracked(args.groups).flatMap((c) => (c.record ? [c.record] : [])) };
}
