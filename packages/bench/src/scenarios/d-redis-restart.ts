/**
 * D. Redis restart under load: two nodes with 2,000 viewers each and the gc; `kill -9`
 * redis-server, and while it is away some viewers close their sockets and new visitors try to
 * join; redis-server back on the same port 3 s after the kill. Measures the time from Redis back
 * until every socket shows its new count, and the client sockets dropped.
 */
import type { Figures, ScenarioContext } from '../context.js';
import { addCountsRight, fmtMs } from '../format.js';
import type { JoinResult } from '../messages.js';
import { httpGet, stop } from '../procs.js';
import { sleep } from '../stats.js';
import { joinViewers, startTwoNodes } from '../two-nodes.js';
import { connectAll, expectAll, expectedMap, statsAll } from '../waves.js';

export async function scenarioD({ s, report, scope }: ScenarioContext): Promise<Figures> {
  const perNode = Math.round(2000 * s.scale);
  const posts = Math.max(4, Math.round(perNode / 5));
  const quarter = Math.floor(posts / 4);
  const redis = await scope.redis('D-redis');
  const port = redis.port;
  const site = await startTwoNodes(scope, 'D', redis.url, perNode);
  const { n1, n2, l0, l1 } = site;
  const { connect, before } = await joinViewers(site, posts, `d${s.runId}`);
  // Visitors who arrive while Redis is down (on node2, posts quarter+1 .. 2*quarter).
  await connectAll([{ loader: l1, url: n2.url, count: quarter }], 'late', `dl${s.runId}`);
  s.log(
    `D: ${connect.connected} viewers on 2 nodes, counts right: ${before.ok}; kill -9 redis-server`,
  );

  const killedAt = Date.now();
  await stop(redis.child, 'SIGKILL');
  await sleep(500);
  const readyz = await httpGet(`${n1.url}/readyz`).catch(() => ({ status: 0, body: '' }));
  // During the outage: one viewer of each of posts 1..quarter leaves (node1, socket closed) and
  // `quarter` new viewers try to join posts quarter+1..2*quarter (node2), retrying on `unavailable`.
  const leavers = Array.from({ length: quarter }, (_, i) => i); // socket i views post i+1
  await l0.call('disconnect', { group: 'v', indexes: leavers, timeoutMs: 5000 }, 10_000);
  const lateJoins = l1.call<JoinResult>(
    'join',
    {
      group: 'late',
      indexes: Array.from({ length: quarter }, (_, i) => i),
      posts: Array.from({ length: quarter }, (_, i) => quarter + 1 + i),
      timeoutMs: 10_000,
      retryUntil: killedAt + 60_000,
      retryEveryMs: 500,
    },
    90_000,
  );
  await sleep(Math.max(0, killedAt + 3000 - Date.now()));
  await scope.redis('D-redis-restarted', port);
  const backAt = Date.now();
  s.log(`D: redis-server back on :${port} after ${((backAt - killedAt) / 1000).toFixed(1)} s`);
  const expected = expectedMap(posts, (p) => (p <= quarter ? 9 : p <= 2 * quarter ? 11 : 10));
  const after = await expectAll([l0, l1], ['v', 'late'], expected, 6000, 45_000);
  const late = await lateJoins;
  const seconds = Math.max(0, (after.allRightAt - backAt) / 1000);
  const viewers = await statsAll([l0, l1], ['v', 'late']);
  const sc = 'D redis restart (2 nodes)';
  report.add(sc, 'viewers per node / posts', `${perNode} / ${posts}`);
  report.add(sc, 'during outage: /readyz', readyz.status);
  report.add(
    sc,
    'during outage: join refused (unavailable) p50 / p99',
    `${fmtMs(late.refusalLatency.p50)} / ${fmtMs(late.refusalLatency.p99)}`,
    'ms',
  );
  addCountsRight(
    report,
    sc,
    'redis back -> every count right (incl. leaves and joins made during the outage)',
    after,
    seconds,
    { target: { op: '<=', limit: 30 } },
  );
  report.add(sc, 'late joiners acked after restart', `${late.acked} / ${quarter}`);
  report.add(sc, 'client sockets dropped (no reload needed)', viewers.disconnects, '', {
    op: '<=',
    limit: 0,
  });
  return {
    perNode,
    posts,
    connect,
    before,
    readyzDuringOutage: readyz.status,
    late,
    after,
    seconds,
    killedAt,
    backAt,
    viewers,
  };
}
