/**
 * FO. Redis Cluster failover under load (opt-in: `--only=FO`): 3 masters + 3 replicas, two
 * presence nodes and the gc on the cluster, viewers with steady counts, churn on one post per
 * shard; `kill -9` the master that serves the nodes' adapter channel (so the failover moves both
 * posts and the node-to-node pub/sub) and measure how long until its replica is promoted, until
 * joins on the failed shard are accepted again and until every viewer's count is right again.
 */
import { clusterInfo, redisInfo, replicaOf, slotOwner } from '../cluster.js';
import type { Figures, ScenarioContext } from '../context.js';
import { addCountsRight, fmtMs } from '../format.js';
import type { ChurnResult, JoinResult } from '../messages.js';
import { httpGet, type RedisProcess } from '../procs.js';
import { sleep } from '../stats.js';
import { joinViewers, startTwoNodes } from '../two-nodes.js';
import { connectAll, expectAll, joinWave, resetStatsAll, statsAll } from '../waves.js';
import { Window, type WindowFigures } from '../window.js';

/** Redis's default cluster-node-timeout: a master is marked failed after this. */
const NODE_TIMEOUT_MS = 15_000;
/** The sharded adapter's channel for server-side emits (the nodes' count batches). */
const ADAPTER_CHANNEL = 'vp:sio#/#';

export async function scenarioFO({ s, report, scope }: ScenarioContext): Promise<Figures> {
  const perNode = Math.round(1000 * s.scale);
  const posts = Math.max(3, Math.round((2 * perNode) / 10));
  const churnPerSecond = s.quick ? 2 : 10; // joins and as many leaves, per churn post
  const churnPool = churnPerSecond * 6;
  const churnMs = 60_000;
  const killAfterMs = 5000;
  const cluster = await scope.redisCluster('FO-redis', {
    replicas: 1,
    nodeTimeoutMs: NODE_TIMEOUT_MS,
  });
  const seeds = [...cluster.masters, ...cluster.replicas].map((r) => `127.0.0.1:${r.port}`);
  const site = await startTwoNodes(scope, 'FO', { clusterNodes: seeds }, perNode);
  const { n1, n2, gc, l0, l1 } = site;
  const lc = scope.loader('FO-churn');

  // The victim: the master serving the adapter channel; the replica that follows it.
  const anyPort = (cluster.masters[0] as RedisProcess).port;
  const victimPort = await slotOwner(anyPort, ADAPTER_CHANNEL);
  const victim = cluster.masters.find((m) => m.port === victimPort) as RedisProcess;
  const survivors = [...cluster.masters, ...cluster.replicas].filter((r) => r !== victim);
  const replicaPorts = await Promise.all(cluster.replicas.map((r) => replicaOf(r.port)));
  const heir = cluster.replicas[replicaPorts.indexOf(victimPort)];
  if (!heir) throw new Error(`no replica follows the victim :${victimPort}`);
  // One churn post per master (ids from 100001), the first being on the victim.
  const churnPosts: number[] = [];
  const owners: number[] = [];
  for (let id = 100_001; churnPosts.length < cluster.masters.length && id < 100_200; id++) {
    const owner = await slotOwner(anyPort, `vp:{p${id}}:viewers`);
    if (owners.includes(owner)) continue;
    if (owners.length === 0 && owner !== victimPort) continue;
    owners.push(owner);
    churnPosts.push(id);
  }
  let postsOnVictim = 0;
  for (let p = 1; p <= posts; p++) {
    if ((await slotOwner(anyPort, `vp:{p${p}}:viewers`)) === victimPort) postsOnVictim += 1;
  }

  const pids: Record<string, number> = {
    node1: n1.pid,
    node2: n2.pid,
    gc: gc.pid ?? 0,
    loader0: l0.pid,
    loader1: l1.pid,
    loaderChurn: lc.pid,
    ...Object.fromEntries(survivors.map((r, i) => [`redis${i + 1}`, r.child.pid ?? 0])),
  };
  const { connect, expected, before } = await joinViewers(site, posts, `fo${s.runId}`);
  const groups = churnPosts.map((_, k) => `churn${k}`);
  for (const [k, group] of groups.entries()) {
    await connectAll(
      [{ loader: lc, url: (k % 2 === 0 ? n1 : n2).url, count: churnPool }],
      group,
      `foc${k}${s.runId}`,
    );
  }
  // Late visitors who try to join a post of the failed shard right after the kill.
  const lateCount = 20;
  await connectAll([{ loader: lc, url: n1.url, count: lateCount }], 'late', `fol${s.runId}`);
  for (const [k, group] of groups.entries()) {
    await joinWave([{ loader: lc, count: churnPool / 2 }], group, () => churnPosts[k] as number);
  }
  s.log(
    `FO: ${connect.connected} viewers over ${posts} posts (${postsOnVictim} on the victim :${victimPort}), counts right: ${before.ok}; churn ${churnPerSecond}+${churnPerSecond}/s on posts ${churnPosts.join(', ')}`,
  );

  await resetStatsAll([l0, l1, lc], ['v', ...groups]);
  const window = new Window(pids);
  const churns = groups.map((group, k) =>
    lc.call<ChurnResult>(
      'churn',
      {
        group,
        postId: churnPosts[k],
        joinsPerSecond: churnPerSecond,
        leavesPerSecond: churnPerSecond,
        durationMs: churnMs,
        timeoutMs: 5000,
      },
      churnMs + 30_000,
    ),
  );
  await sleep(killAfterMs);
  await resetStatsAll([l0, l1], ['v']);
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  s.log(`FO: kill -9 master :${victimPort}; its replica is :${heir.port}`);
  const lateJoins = lc.call<JoinResult>(
    'join',
    {
      group: 'late',
      indexes: Array.from({ length: lateCount }, (_, i) => i),
      posts: Array.from({ length: lateCount }, () => churnPosts[0] as number),
      timeoutMs: 5000,
      retryUntil: killedAt + 60_000,
      retryEveryMs: 250,
    },
    90_000,
  );

  // Failure detection and promotion, polled every 100 ms (bounded).
  let failSeenAt = 0;
  let promotedAt = 0;
  let clusterOkAt = 0;
  let readyzDuring = 0;
  const pollUntil = killedAt + 60_000;
  while (Date.now() < pollUntil && clusterOkAt === 0) {
    const infos = await Promise.all(
      survivors.map((r) => clusterInfo(r.port).catch(() => ({}) as Record<string, string>)),
    );
    const now = Date.now();
    if (!failSeenAt && infos.some((info) => info.cluster_state === 'fail')) failSeenAt = now;
    if (!promotedAt && (await redisInfo(heir.port, 'replication')).role === 'master') {
      promotedAt = now;
    }
    if (promotedAt && infos.every((info) => info.cluster_state === 'ok')) clusterOkAt = now;
    if (!readyzDuring && failSeenAt) {
      readyzDuring = (await httpGet(`${n1.url}/readyz`).catch(() => ({ status: 0 }))).status;
    }
    await sleep(100);
  }
  s.log(
    `FO: replica :${heir.port} ${promotedAt ? `promoted after ${((promotedAt - killedAt) / 1000).toFixed(1)} s` : 'not promoted within 60 s'}`,
  );
  // Every viewer right again, stable over two heartbeats (a stale lease shows within one).
  const after = await expectAll([l0, l1], ['v'], expected, 10_000, 60_000);
  const late = await lateJoins;
  const churn = await Promise.all(churns);
  // A server node that died during the failover has no /proc entry left: no CPU window then.
  const exits = [n1, n2].map((n) =>
    n.child.exitCode === null && n.child.signalCode === null
      ? 'running'
      : `exited (${n.child.exitCode ?? n.child.signalCode}; see results/logs/${n.name}.log)`,
  );
  let win: WindowFigures | undefined;
  try {
    win = window.end();
  } catch {
    win = undefined;
  }
  const viewerStats = await statsAll([l0, l1], ['v']);
  const allStats = await statsAll([l0, l1, lc], ['v', ...groups, 'late']);

  const secs = (at: number) => (at > 0 ? (at - killedAt) / 1000 : NaN);
  const churnErrors: Record<string, number> = {};
  for (const c of churn)
    for (const [k, v] of Object.entries(c.errors)) churnErrors[k] = (churnErrors[k] ?? 0) + v;
  const wrongAfterKill = after.allRightAt > killedAt;
  const sc = 'FO cluster failover (2 nodes)';
  report.add(
    sc,
    'viewers / posts / posts on the killed master',
    `${connect.connected} / ${posts} / ${postsOnVictim}`,
  );
  report.add(sc, 'cluster', `3 masters + 3 replicas, cluster-node-timeout ${NODE_TIMEOUT_MS} ms`);
  report.add(sc, 'counts right before the kill', before.ok ? 'yes' : `no (${before.wrong} wrong)`);
  report.add(sc, 'kill -9 master -> cluster_state fail seen', secs(failSeenAt), 's');
  report.add(sc, 'kill -9 master -> replica promoted', secs(promotedAt), 's');
  report.add(sc, 'kill -9 master -> cluster_state ok on every node', secs(clusterOkAt), 's');
  report.add(
    sc,
    'kill -9 master -> all late joins on the failed shard acked',
    late.acked > 0 ? (late.lastAckAt - killedAt) / 1000 : NaN,
    's',
    undefined,
    `${late.acked} / ${lateCount} late joins acked; failed: ${JSON.stringify(late.errors)}`,
  );
  addCountsRight(
    report,
    sc,
    'kill -9 master -> every viewer count right (stable 10 s)',
    after,
    wrongAfterKill ? secs(after.allRightAt) : 0,
    {
      target: { op: '<=', limit: 30 },
      ...(wrongAfterKill ? {} : { note: 'no viewer count changed after the kill' }),
    },
  );
  report.add(
    sc,
    'count messages to viewers after the kill, total / max per client',
    `${viewerStats.messages.total} / ${viewerStats.messages.max}`,
  );
  report.add(
    sc,
    'churn joins acked / sent; refused by code',
    `${churn.reduce((a, c) => a + c.joinsAcked, 0)} / ${churn.reduce((a, c) => a + c.joinsSent, 0)}; ${JSON.stringify(churnErrors)}`,
  );
  report.add(
    sc,
    'late joins refused (unavailable) during failover: attempts, p50 / p99',
    `${late.unavailable}, ${fmtMs(late.refusalLatency.p50)} / ${fmtMs(late.refusalLatency.p99)}`,
    'ms',
  );
  report.add(sc, 'node1 /readyz while the cluster is failed', readyzDuring || 'n/a');
  report.add(sc, 'client sockets dropped', allStats.disconnects, '', { op: '<=', limit: 0 });
  report.add(sc, 'server nodes after the failover: node1 / node2', exits.join(' / '));
  report.add(sc, 'CPU of other processes (not the bench)', win?.othersPercent ?? 'n/a', '% core');
  return {
    perNode,
    posts,
    postsOnVictim,
    victimPort,
    heirPort: heir.port,
    churnPosts,
    connect,
    before,
    killedAt,
    failSeenAt,
    promotedAt,
    clusterOkAt,
    after,
    late,
    churn,
    viewerStats,
    allStats,
    nodes: exits,
    window: win,
  };
}
