import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, waitFor, waitForHttp, waitForLine, waitForPort } from '../src/index.js';

describe('waitFor', () => {
  it('should resolve with the first truthy value of the check', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('should time out naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('not listening yet');
        },
        { timeoutMs: 100, what: 'the moon' },
      ),
    ).rejects.toThrow('timed out after 0.1 s waiting for the moon: not listening yet');
  });

  it('should time out a check that never settles', async () => {
    await expect(waitFor(() => new Promise(() => undefined), { timeoutMs: 100 })).rejects.toThrow(
      'the last check was still running',
    );
  });

  it('should give up at once, with its reason, when its signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = waitFor(() => false, { timeoutMs: 10_000, signal: controller.signal });
    controller.abort(new Error('the process exited'));
    await expect(waiting).rejects.toThrow('the process exited');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('waitForPort', () => {
  it('should resolve once something listens on the port', async () => {
    const server = http.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    await waitForPort((server.address() as AddressInfo).port, { timeoutMs: 1_000 });
    server.close();
  });

  it('should time out when nothing listens', async () => {
    const port = await freePort();
    await expect(waitForPort(port, { timeoutMs: 200 })).rejects.toThrow(
      `waiting for a listener on 127.0.0.1:${port}`,
    );
  });
});

describe('waitForHttp', () => {
  it('should wait through other statuses until the answer is 2xx, and return it', async () => {
    let requests = 0;
    const server = http.createServer((_, response) => {
      requests += 1;
      if (requests < 3) response.writeHead(503).end('starting');
      else response.writeHead(200).end('ready');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    expect(await waitForHttp(url, { intervalMs: 1 })).toEqual({ status: 200, body: 'ready' });
    expect(requests).toBe(3);
    server.close();
  });

  it('should time out naming the last status it saw', async () => {
    const server = http.createServer((_, response) => response.writeHead(503).end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    await expect(waitForHttp(url, { timeoutMs: 200 })).rejects.toThrow(`GET ${url} answered 503`);
    server.close();
  });
});

describe('waitForLine', () => {
  it('should resolve with the match once the text has the line', async () => {
    let text = '';
    const waiting = waitForLine(() => text, /listening on (http:\S+)/, { intervalMs: 1 });
    text = 'starting\nlistening on http://127.0.0.1:4000\n';
    expect((await waiting)[1]).toBe('http://127.0.0.1:4000');
  });

  it('should time out with the end of the text', async () => {
    await expect(
      waitForLine(() => 'starting\nstill starting', 'listening', { timeoutMs: 100 }),
    ).rejects.toThrow(/output matching \/listening\/.*\nstarting\nstill starting$/s);
  });
});
