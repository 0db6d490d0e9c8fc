/**
 * C. Crash: two nodes with 2,000 viewers each over 400 posts (5 + 5 per post) and the gc;
 * `kill -9` node2, then the time until every socket left on node1 shows 5 (stable 2 s).
 */
import type { Figures, ScenarioContext } from '../context.js';
import { addCountsRight } from '../format.js';
import { joinViewers, startTwoNodes } from '../two-nodes.js';
import { expectAll, expectedMap, statsAll } from '../waves.js';

export async function scenarioC({ s, report, scope }: ScenarioContext): Promise<Figures> {
  const perNode = Math.round(2000 * s.scale);
  const posts = Math.max(1, Math.round(perNode / 5));
  const redis = await scope.redis('C-redis');
  const site = await startTwoNodes(scope, 'C', redis.url, perNode);
  const { n2, l0, l1 } = site;
  const { connect, wave, before } = await joinViewers(site, posts, `c${s.runId}`);
  s.log(`C: ${connect.connected} viewers on 2 nodes, counts right: ${before.ok}; kill -9 node2`);
  const killedAt = Date.now();
  n2.child.kill('SIGKILL');
  const after = await expectAll(
    [l0],
    ['v'],
    expectedMap(posts, () => 5),
    2000,
    45_000,
  );
  const seconds = (after.allRightAt - killedAt) / 1000;
  const survivors = await statsAll([l0], ['v']);
  const orphans = await statsAll([l1], ['v']);
  const sc = 'C crash (2 nodes)';
  report.add(sc, 'viewers per node / posts', `${perNode} / ${posts}`);
  report.add(sc, 'counts right before the kill', before.ok ? 'yes' : `no (${before.wrong} wrong)`);
  addCountsRight(report, sc, 'kill -9 node2 -> every remaining count right', after, seconds, {
    target: { op: '<=', limit: 30 },
    note: 'heartbeat 5 s, TTL 15 s, gc every 5 s',
  });
  report.add(
    sc,
    'surviving viewers still connected',
    `${survivors.connected} / ${survivors.sockets}`,
  );
  return { perNode, posts, connect, wave, before, after, seconds, survivors, orphans, killedAt };
}
