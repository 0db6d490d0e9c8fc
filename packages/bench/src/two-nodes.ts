/**
 * The arrangement of the fault scenarios (C, D, FO, SOAK): two presence nodes and the gc on one
 * Redis, and one load process per node.
 */
import type { ChildProcess } from 'node:child_process';
import type { Loader, NodeProcess, RedisTarget } from './procs.js';
import type { Scope } from './scope.js';
import { connectAll, expectAll, expectedMap, joinWave, type LoadPlan } from './waves.js';

export interface TwoNodes {
  n1: NodeProcess;
  n2: NodeProcess;
  gc: ChildProcess;
  /** The load processes of node1's and node2's viewers. */
  l0: Loader;
  l1: Loader;
  /** `perNode` sockets of l0 on node1 and of l1 on node2. */
  plan: LoadPlan[];
}

/** Starts `${name}-node1`, `${name}-node2`, `${name}-gc`, and loaders `${name}-l0`, `${name}-l1`. */
export async function startTwoNodes(
  scope: Scope,
  name: string,
  redis: RedisTarget,
  perNode: number,
): Promise<TwoNodes> {
  const [n1, n2] = (await scope.servers(name, redis, 2)) as [NodeProcess, NodeProcess];
  const gc = scope.gc(`${name}-gc`, redis);
  const l0 = scope.loader(`${name}-l0`);
  const l1 = scope.loader(`${name}-l1`);
  const plan = [
    { loader: l0, url: n1.url, count: perNode },
    { loader: l1, url: n2.url, count: perNode },
  ];
  return { n1, n2, gc, l0, l1, plan };
}

/**
 * Connects the viewers of `site.plan` (group `v`), joins socket i of each node to post
 * 1 + i % posts, and waits until every viewer shows its post's count (stable 1 s).
 */
export async function joinViewers(site: TwoNodes, posts: number, prefix: string) {
  const connect = await connectAll(site.plan, 'v', prefix);
  const wave = await joinWave(site.plan, 'v', (_li, i) => 1 + (i % posts));
  const perPost = site.plan.reduce((a, p) => a + p.count, 0) / posts;
  const expected = expectedMap(posts, () => perPost);
  const before = await expectAll([site.l0, site.l1], ['v'], expected, 1000, 30_000);
  return { connect, wave, expected, before };
}
