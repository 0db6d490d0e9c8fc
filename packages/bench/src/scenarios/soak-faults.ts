/**
 * SOAK: the fault tests of `npm test` (packages/server/test/integration/faults and resilience),
 * longer and one after another on the same processes, under steady churn. Opt-in:
 * `npm run bench -- --only=SOAK [--soak-seconds=300]`.
 *
 * Two nodes on one redis-server and the gc; viewers on both nodes (every post viewed on both),
 * churn on a post of its own. The faults come round in turn until the time is up: kill -9 of a
 * node (then a new one, its viewers reconnecting), SIGTERM of a node (likewise), redis-server
 * killed and restarted, Redis away for 20 s, the gc stopped while a node dies (then back). For
 * each: time until every live viewer's count is right again, sockets of the other node dropped.
 * Over the run: server RSS (start, highest, end), error and warning lines in the node logs, and
 * at the end, once everyone has left and the gc has run, the session keys left in Redis.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Figures, ScenarioContext } from '../context.js';
import { MB } from '../format.js';
import type { ChurnResult } from '../messages.js';
import {
  LOG_DIR,
  httpGet,
  redisCli,
  sampleProc,
  stop,
  type NodeProcess,
  type RedisProcess,
} from '../procs.js';
import { startTwoNodes } from '../two-nodes.js';
import { connectAll, expectAll, expectedMap, joinWave, statsAll } from '../waves.js';

type Fault =
  | 'kill -9 node2'
  | 'SIGTERM node2'
  | 'redis restart'
  | 'redis away 20 s'
  | 'gc stopped, node2 killed';
const FAULTS: Fault[] = [
  'kill -9 node2',
  'redis restart',
  'SIGTERM node2',
  'redis away 20 s',
  'gc stopped, node2 killed',
];

interface FaultResult {
  fault: Fault;
  at: number;
  /** From the fault (or Redis back) until every live viewer's count is right. */
  rightAfterS: number;
  /** After node2 came back (if it went), until everyone, its new viewers too, is right. */
  backRightAfterS?: number;
  ok: boolean;
  wrong: number;
  readyzDuringOutage?: number;
  node1Disconnects: number;
}

export async function scenarioSoak(
  { s, report, scope }: ScenarioContext,
  seconds: number,
): Promise<Figures> {
  const perNode = Math.round(1000 * s.scale);
  const posts = Math.max(4, Math.round(perNode / 5));
  const HOT = posts + 1; // churn's post, apart from the viewers' posts
  let redis: RedisProcess = await scope.redis('SOAK-redis');
  const port = redis.port;
  const site = await startTwoNodes(scope, 'SOAK', redis.url, perNode);
  const { n1: node1, l0, l1 } = site;
  let node2: NodeProcess = site.n2;
  let gc = site.gc;
  const ctl = scope.loader('SOAK-churn', true);
  const postOf = (_li: number, i: number) => 1 + (i % posts);
  await connectAll([{ loader: l0, url: node1.url, count: perNode }], 'v', `s${s.runId}`);
  let generation = 0;
  let group2 = `v${generation}`;
  const joinNode2 = async () => {
    await connectAll(
      [{ loader: l1, url: node2.url, count: perNode }],
      group2,
      `s${s.runId}g${generation}`,
    );
    await joinWave([{ loader: l1, count: perNode }], group2, postOf);
  };
  await joinWave([{ loader: l0, count: perNode }], 'v', postOf);
  await joinNode2();
  await connectAll([{ loader: ctl, url: node1.url, count: 200 }], 'churn', `sc${s.runId}`);
  const full = expectedMap(posts, () => (perNode * 2) / posts);
  const half = expectedMap(posts, () => perNode / posts);
  const allRight = async (expected: Record<string, number>, withNode2: boolean) => {
    const checks = [expectAll([l0], ['v'], expected, 3000, 60_000)];
    if (withNode2) checks.push(expectAll([l1], [group2], expected, 3000, 60_000));
    const results = await Promise.all(checks);
    return {
      ok: results.every((r) => r.ok),
      wrong: results.reduce((a, r) => a + r.wrong, 0),
      allRightAt: Math.max(...results.map((r) => r.allRightAt)),
    };
  };
  const before = await allRight(full, true);
  s.log(`SOAK: ${perNode * 2} viewers on 2 nodes over ${posts} posts, right: ${before.ok}`);

  const startedAt = Date.now();
  const endAt = startedAt + seconds * 1000;
  const churn = ctl.call<ChurnResult>(
    'churn',
    {
      group: 'churn',
      postId: HOT,
      joinsPerSecond: 20,
      leavesPerSecond: 20,
      durationMs: seconds * 1000,
      timeoutMs: 10_000,
    },
    seconds * 1000 + 60_000,
  );
  const rss = { start: sampleProc(node1.pid).rssBytes, max: 0, end: 0 };
  const rssTimer = setInterval(() => {
    rss.max = Math.max(rss.max, sampleProc(node1.pid).rssBytes);
  }, 1000);
  const results: FaultResult[] = [];

  const replaceNode2 = async () => {
    await l1.call('closeGroup', { group: group2 }, 10_000);
    generation += 1;
    group2 = `v${generation}`;
    node2 = await scope.server(`SOAK-node2-${generation}`, redis.url);
    await joinNode2();
  };

  /** A new node2 and its viewers; every count must be right again, `after` included. */
  const withNewNode2 = async (after: Awaited<ReturnType<typeof allRight>>) => {
    await replaceNode2();
    const back = Date.now();
    const again = await allRight(full, true);
    return {
      after: { ...after, ok: after.ok && again.ok, wrong: after.wrong + again.wrong },
      backRightAfterS: (again.allRightAt - back) / 1000,
    };
  };

  try {
    for (let k = 0; Date.now() < endAt - 20_000; k++) {
      const fault = FAULTS[k % FAULTS.length] as Fault;
      s.log(`SOAK: ${fault}`);
      const d0 = (await statsAll([l0], ['v'])).disconnects;
      const at = Date.now();
      let from = at;
      let readyz: number | undefined;
      let after;
      let backRightAfterS: number | undefined;
      if (fault === 'kill -9 node2' || fault === 'SIGTERM node2') {
        await stop(node2.child, fault === 'kill -9 node2' ? 'SIGKILL' : 'SIGTERM');
        after = await allRight(half, false);
        ({ after, backRightAfterS } = await withNewNode2(after));
      } else if (fault === 'redis restart' || fault === 'redis away 20 s') {
        await stop(redis.child, 'SIGKILL');
        await sleep(fault === 'redis restart' ? 3000 : 20_000);
        readyz = (await httpGet(`${node1.url}/readyz`).catch(() => ({ status: 0 }))).status;
        redis = await scope.redis(`SOAK-redis-${k}`, port);
        from = Date.now();
        after = await allRight(full, true);
      } else {
        await stop(gc, 'SIGKILL');
        await stop(node2.child, 'SIGKILL');
        after = await allRight(half, false);
        gc = scope.gc(`SOAK-gc-${k}`, redis.url);
        ({ after, backRightAfterS } = await withNewNode2(after));
      }
      const d1 = (await statsAll([l0], ['v'])).disconnects;
      results.push({
        fault,
        at: Math.round((at - startedAt) / 1000),
        rightAfterS: Math.max(0, (after.allRightAt - from) / 1000),
        ...(backRightAfterS !== undefined ? { backRightAfterS } : {}),
        ok: after.ok,
        wrong: after.wrong,
        ...(readyz !== undefined ? { readyzDuringOutage: readyz } : {}),
        node1Disconnects: d1 - d0,
      });
    }
  } finally {
    clearInterval(rssTimer);
  }
  const churned = await churn;
  rss.end = sampleProc(node1.pid).rssBytes;

  // Everyone leaves; the gc and the leases' expiry leave no session behind.
  await l0.call('closeGroup', { group: 'v' }, 10_000);
  await l1.call('closeGroup', { group: group2 }, 10_000);
  await ctl.call('closeGroup', { group: 'churn' }, 10_000);
  await sleep(25_000); // one lease TTL (15 s) + a gc pass (5 s) + margin
  const keys = (await redisCli(port, '--scan', '--pattern', 'vp:*')).split('\n').filter(Boolean);
  const kinds: Record<string, number> = {};
  for (const key of keys) {
    const kind = key.split(':').at(-1) ?? key;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  const sessionKeys = (kinds.viewers ?? 0) + (kinds.leases ?? 0);
  const logLines = (name: string, level: number) => {
    try {
      return readFileSync(join(LOG_DIR, `${name}.log`), 'utf8')
        .split('\n')
        .filter((line) => line.includes(`"level":${level}`)).length;
    } catch {
      return NaN;
    }
  };

  const sc = 'SOAK faults under churn';
  report.add(
    sc,
    'viewers / posts / churn',
    `${perNode * 2} / ${posts} / 20+20 per s for ${seconds} s`,
  );
  for (const r of results) {
    report.add(
      sc,
      `t+${r.at} s ${r.fault} -> every live count right`,
      r.ok ? r.rightAfterS : NaN,
      's',
      { op: '<=', limit: 30 },
      [
        r.backRightAfterS !== undefined
          ? `new node2 right after ${r.backRightAfterS.toFixed(1)} s`
          : '',
        r.readyzDuringOutage !== undefined ? `/readyz ${r.readyzDuringOutage} while away` : '',
        r.ok ? '' : `${r.wrong} wrong`,
        `node1 sockets dropped ${r.node1Disconnects}`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  report.add(
    sc,
    'churn joins / leaves acked',
    `${churned.joinsAcked} / ${churned.leavesAcked}`,
    '',
    undefined,
    churned.failed ? `failed ${churned.failed}: ${JSON.stringify(churned.errors)}` : undefined,
  );
  report.add(
    sc,
    'node1 RSS start / highest / end',
    `${(rss.start / MB).toFixed(0)} / ${(rss.max / MB).toFixed(0)} / ${(rss.end / MB).toFixed(0)}`,
    'MB',
  );
  report.add(
    sc,
    'node1 still the same process',
    node1.child.exitCode === null ? 'yes' : `no (exit ${node1.child.exitCode})`,
  );
  report.add(
    sc,
    'node1 log: error / warning lines',
    `${logLines('SOAK-node1', 50)} / ${logLines('SOAK-node1', 40)}`,
  );
  report.add(
    sc,
    'after everyone left and the gc ran: session keys (viewers, leases)',
    sessionKeys,
    '',
    { op: '<=', limit: 0 },
  );
  report.add(
    sc,
    'keys left by kind (views and recent visits are meant to stay)',
    JSON.stringify(kinds),
  );
  return { perNode, posts, seconds, before, results, churn: churned, rss, kinds, sessionKeys };
}
