import { type ChildProcess, execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { freePort, launch } from './redis.js';

const run = promisify(execFile);

export interface RedisClusterProcess {
  /** Seed nodes, "127.0.0.1:port". */
  nodes: string[];
  client: Cluster;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

function launchClusterNode(port: number, dir: string): Promise<ChildProcess> {
  return launch(port, [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--dir',
    dir,
  ]);
}

/** Whether a TCP port on 127.0.0.1 can be bound right now. */
async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster-bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await isFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

/** Starts one cluster node, on new ports if another process took them meanwhile. */
async function launchNode(dir: string): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 0; ; attempt += 1) {
    const port = await freeClusterPort();
    try {
      return { port, child: await launchClusterNode(port, dir) };
    } catch (error) {
      if (attempt >= 4 || !String(error).includes('Address already in use')) throw error;
    }
  }
}

/** Starts a local 3-master Redis Cluster (no replicas) on free ports. */
export async function startRedisCluster(): Promise<RedisClusterProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'vp-cluster-'));
  const started = [];
  for (let i = 0; i < 3; i += 1) started.push(await launchNode(dir));
  const ports = started.map(({ port }) => port);
  const children = started.map(({ child }) => child);
  const nodes = ports.map((port) => `127.0.0.1:${port}`);
  await run(
    'redis-cli',
    ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
    { timeout: 20_000 },
  );
  const deadline = Date.now() + 20_000;
  for (const port of ports) {
    for (;;) {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
      if (stdout.includes('cluster_state:ok')) break;
      if (Date.now() > deadline) throw new Error(`cluster did not become ok: ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const client = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })));
  client.on('error', () => undefined);
  return {
    nodes,
    client,
    async flush() {
      await Promise.all(client.nodes('master').map((node) => node.flushall()));
    },
    async stop() {
      client.disconnect();
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null) return;
          const exited = once(child, 'exit');
          child.kill('SIGKILL');
          await exited;
        }),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}
