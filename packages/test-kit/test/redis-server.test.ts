import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort, redisCli, startRedisServer, type RedisServer } from '../src/index.js';

const started: RedisServer[] = [];
const start = async (options = {}) => {
  const redis = await startRedisServer(options);
  started.push(redis);
  return redis;
};
afterEach(async () => {
  await Promise.all(started.splice(0).map((redis) => redis.kill()));
});
const dir = mkdtempSync(path.join(tmpdir(), 'test-kit-redis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = async (redis: RedisServer, ...args: string[]) =>
  (await redisCli(redis.port, args)).trim();

describe('startRedisServer', () => {
  it('should start a redis-server on 127.0.0.1 that answers, without persistence', async () => {
    const redis = await start();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await cli(redis, 'ping')).toBe('PONG');
    expect(await cli(redis, 'config', 'get', 'bind')).toBe('bind\n127.0.0.1');
    expect(await cli(redis, 'config', 'get', 'save')).toBe('save');
    expect(await cli(redis, 'config', 'get', 'appendonly')).toBe('appendonly\nno');
  });

  it('should refuse a port where another redis-server already answers', async () => {
    const other = await start();
    await expect(startRedisServer({ port: other.port })).rejects.toThrow('Address already in use');
  });

  it('should try another port when the free one is taken before it binds', async () => {
    const other = await start();
    const chosen: number[] = [];
    const redis = await start({
      choosePort: async () => {
        chosen.push(chosen.length === 0 ? other.port : await freePort());
        return chosen.at(-1)!;
      },
    });
    expect(chosen).toHaveLength(2);
    expect(redis.port).toBe(chosen[1]);
    expect(await cli(redis, 'ping')).toBe('PONG');
  });

  it('should have redis-server write its output to the log file it is given', async () => {
    const logFile = path.join(dir, 'redis.log');
    await start({ logFile });
    expect(readFileSync(logFile, 'utf8')).toContain('Ready to accept connections');
  });
});

describe('faults', () => {
  it('should leave the port dead after kill() until start(), then answer empty', async () => {
    const redis = await start();
    await cli(redis, 'set', 'k', 'v');
    await redis.kill();
    await expect(redisCli(redis.port, ['ping'])).rejects.toThrow('Connection refused');
    await redis.start();
    expect(await cli(redis, 'get', 'k')).toBe('');
  });

  it('should come back empty on the same port, as a new process, after restart()', async () => {
    const redis = await start();
    const { port, pid } = redis;
    await cli(redis, 'set', 'k', 'v');
    await redis.restart();
    expect(redis.port).toBe(port);
    expect(redis.pid).not.toBe(pid);
    expect(await cli(redis, 'dbsize')).toBe('0');
  });

  it('should stop on SIGTERM the way an operator stops it', async () => {
    const redis = await start();
    await redis.stop();
    expect(redis.process.running).toBe(false);
    expect(await redis.process.exited).toEqual({ code: 0, signal: null });
  });
});
