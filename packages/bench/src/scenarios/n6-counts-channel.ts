/**
 * N6. The counts channel with more, smaller nodes: six presence nodes and the gc on one Redis,
 * 400 viewers per node over 1,200 posts, each post read on exactly two nodes (a viewer on node k
 * and one on node k + 3). A join wave and then a leave of half the viewers make the changes; each
 * node's metrics say how many changes it published, how many deliveries Redis made of them, and
 * how many it received. With one channel for every change (the design before the store package),
 * every node would receive every change: the figure to compare is received per node against all
 * changes published.
 */
import type { Figures, ScenarioContext } from '../context.js';
import { addCountsRight } from '../format.js';
import { metrics, type Loader, type NodeProcess } from '../procs.js';
import { connectAll, expectAll, expectedMap, joinWave, type LoadPlan } from '../waves.js';

const NODES = 6;

interface ChannelTotals {
  published: number;
  delivered: number;
  received: number[];
}

async function channelTotals(nodes: NodeProcess[]): Promise<ChannelTotals> {
  const all = await Promise.all(nodes.map((n) => metrics(n.privateUrl)));
  const sum = (name: string) => all.reduce((a, m) => a + (m[name] ?? 0), 0);
  return {
    published: sum('vip_presence_counts_published_total'),
    delivered: sum('vip_presence_counts_delivered_total'),
    received: all.map((m) => m.vip_presence_counts_received_total ?? 0),
  };
}

function since(a: ChannelTotals, b: ChannelTotals) {
  const received = b.received.map((r, i) => r - (a.received[i] ?? 0));
  const published = b.published - a.published;
  const maxReceived = Math.max(...received);
  return {
    published,
    delivered: b.delivered - a.delivered,
    receivedPerNode: received,
    maxReceived,
    /** What one node heard of all the changes made anywhere (1 = every change, as a broadcast). */
    shareOfChanges: published > 0 ? maxReceived / published : 0,
  };
}

export async function scenarioN6({ name, s, report, scope }: ScenarioContext): Promise<Figures> {
  const perNode = Math.max(20, Math.round(400 * s.scale));
  const posts = (perNode * NODES) / 2;
  const redis = await scope.redis(`${name}-redis`);
  const nodes = await scope.servers(name, redis.url, NODES);
  scope.gc(`${name}-gc`, redis.url);
  const loaders: Loader[] = nodes.map((_, i) => scope.loader(`${name}-l${i}`));
  const plan: LoadPlan[] = nodes.map((n, i) => ({
    loader: loaders[i] as Loader,
    url: n.url,
    count: perNode,
  }));
  // Node k's socket i reads post 1 + ((k mod 3) * perNode + i): nodes k and k + 3 share each post.
  const postOf = (k: number, i: number) => 1 + (((k % (NODES / 2)) * perNode + i) % posts);

  const connect = await connectAll(plan, 'v', `n6${s.runId}`);
  const t0 = await channelTotals(nodes);
  await joinWave(plan, 'v', postOf);
  const joined = await expectAll(
    loaders,
    ['v'],
    expectedMap(posts, () => 2),
    1000,
    30_000,
  );
  const t1 = await channelTotals(nodes);
  const half = Array.from({ length: perNode / 2 }, (_, i) => i * 2);
  const leftAt = Date.now();
  await Promise.all(
    loaders
      .slice(0, NODES / 2)
      .map((l) => l.call('leave', { group: 'v', indexes: half, timeoutMs: 30_000 }, 45_000)),
  );
  // Posts of an even socket index lost one of their two readers.
  const left = await expectAll(
    loaders,
    ['v'],
    expectedMap(posts, (p) => (((p - 1) % perNode) % 2 === 0 ? 1 : 2)),
    1000,
    30_000,
  );
  const t2 = await channelTotals(nodes);
  const joins = since(t0, t1);
  const leaves = since(t1, t2);

  const sc = 'N6 counts channel (6 nodes)';
  report.add(sc, 'viewers / posts (each read on 2 of 6 nodes)', `${connect.connected} / ${posts}`);
  report.add(
    sc,
    'counts right after the join wave',
    joined.ok ? 'yes' : `no (${joined.wrong} wrong)`,
  );
  for (const [phase, f] of [
    ['join wave', joins],
    ['leaves', leaves],
  ] as const) {
    report.add(
      sc,
      `${phase}: changes published / Redis deliveries`,
      `${f.published} / ${f.delivered}`,
    );
    report.add(
      sc,
      `${phase}: received by the busiest node / all changes`,
      f.shareOfChanges * 100,
      '%',
      undefined,
      `${f.maxReceived} of ${f.published}; with one channel for all changes ~100 %`,
    );
  }
  addCountsRight(
    report,
    sc,
    'leave of half the viewers -> every count right',
    left,
    (left.allRightAt - leftAt) / 1000,
    {
      target: { op: '<=', limit: 1 },
    },
  );
  return { perNode, posts, connect, joined, left, joins, leaves };
}
