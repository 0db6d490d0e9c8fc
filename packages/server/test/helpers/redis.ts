import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { Redis } from 'ioredis';

/** A free TCP port on 127.0.0.1 (asked of the kernel). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface RedisProcess {
  port: number;
  url: string;
  /** A client for assertions (DBSIZE, KEYS, FLUSHALL). */
  client: Redis;
  stop(): Promise<void>;
  /** Kills redis-server (all data lost) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Kills redis-server, leaving the port dead until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  flush(): Promise<void>;
}

/** Starts redis-server on `port` (extra arguments appended) and waits until it accepts connections. */
export async function launch(port: number, extraArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start: ${output}`)),
      10_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  child.stdout?.resume();
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** Starts a real redis-server on a free port, without persistence. */
export async function startRedis(): Promise<RedisProcess> {
  // Another process may take the free port before redis-server binds it: try new ports.
  let port = 0;
  let started: ChildProcess | undefined;
  for (let attempt = 0; !started; attempt += 1) {
    port = await freePort();
    try {
      started = await launch(port);
    } catch (error) {
      if (attempt >= 4 || !String(error).includes('Address already in use')) throw error;
    }
  }
  let child: ChildProcess = started;
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  client.on('error', () => undefined);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client,
    async stop() {
      client.disconnect();
      await kill(child);
    },
    async restart() {
      await kill(child);
      child = await launch(port);
    },
    async down() {
      await kill(child);
    },
    async up() {
      child = await launch(port);
    },
    async flush() {
      await client.flushall();
    },
  };
}
