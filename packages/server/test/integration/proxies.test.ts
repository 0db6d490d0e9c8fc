import { afterEach, describe, expect, it } from 'vitest';
import { createPresenceServer, type PresenceServer, type TrustProxy } from '../../src/index.js';
import { closeAllClients, connectClient, connectError, newVisitorId } from '../helpers/clients.js';
import { startHttpProxy, type HttpProxy } from '../helpers/http-proxy.js';
import { startServerProcess, type NodeProcess } from '../helpers/processes.js';

/** Connections one address may hold in these tests. */
const MAX = 3;
/** What clients write in X-Forwarded-For themselves: each connection another lie. */
const FORGED = [
  '203.0.113.1',
  '203.0.113.2, 198.51.100.9',
  '127.0.0.3',
  '::ffff:203.0.113.4',
  'not-an-address',
  '2001:db8::1, 10.0.0.1, 127.0.0.1',
];

/** Two client machines: loopback addresses of their own, seen by the first proxy. */
const ALICE = '127.0.0.2';
const BOB = '127.0.0.3';

let server: PresenceServer | undefined;
let node: NodeProcess | undefined;
const proxies: HttpProxy[] = [];

afterEach(async () => {
  closeAllClients();
  for (const proxy of proxies.splice(0).reverse()) await proxy.close();
  await server?.close();
  await node?.stop();
  server = node = undefined;
});

/** `hops` real proxies in a row in front of `target`; resolves with the outermost one's URL. */
async function behindProxies(target: string, hops: number): Promise<string> {
  let url = target;
  for (let i = 0; i < hops; i += 1) {
    const proxy = await startHttpProxy(url);
    proxies.push(proxy);
    url = proxy.url;
  }
  return url;
}

/** A connection from `from` through `url`, with a forged X-Forwarded-For. */
const connectFrom = (url: string, from: string, forged: string) =>
  connectClient(url, { localAddress: from, extraHeaders: { 'x-forwarded-for': forged } });
const refusalFrom = async (url: string, from: string, forged: string) =>
  (
    await connectError(url, {
      auth: { visitorId: newVisitorId() },
      localAddress: from,
      extraHeaders: { 'x-forwarded-for': forged },
    })
  ).data?.code;

describe('the client address behind real proxies', () => {
  it.each<[string, TrustProxy, number]>([
    ['a hop count, behind one proxy', 1, 1],
    ['true (one hop), behind one proxy', true, 1],
    ['a hop count, behind two proxies', 2, 2],
    ["the proxies' address, behind two proxies", ['127.0.0.1'], 2],
    ['a range and a name, behind one proxy', ['127.0.0.1/32', 'linklocal'], 1],
  ])(
    'should count a client by the address its nearest proxy saw, never by what it wrote: trusting %s',
    async (_label, trustProxy, hops) => {
      server = createPresenceServer({ trustProxy, maxConnectionsPerIp: MAX });
      await server.listen();
      const url = await behindProxies(server.url, hops);
      // Every forged entry is another address; the cap still sees one client.
      for (const forged of FORGED.slice(0, MAX)) await connectFrom(url, ALICE, forged);
      for (const forged of FORGED.slice(MAX)) {
        expect(await refusalFrom(url, ALICE, forged), forged).toBe('too_many_connections');
      }
      // Another client is counted apart, even when it names the first one.
      for (let i = 0; i < MAX; i += 1) await connectFrom(url, BOB, ALICE);
      expect(await refusalFrom(url, BOB, '203.0.113.1')).toBe('too_many_connections');
      expect(server.metrics.registry.getSingleMetric('vip_presence_refusals_total')).toBeDefined();
      const refused = await server.metrics.registry.getSingleMetricAsString(
        'vip_presence_refusals_total',
      );
      expect(refused).toContain(`code="too_many_connections"} ${FORGED.length - MAX + 1}`);
    },
  );

  it('should count a client that reaches the node past a listed proxy by its own address', async () => {
    server = createPresenceServer({ trustProxy: ['127.0.0.1'], maxConnectionsPerIp: MAX });
    await server.listen();
    for (const forged of FORGED.slice(0, MAX)) await connectFrom(server.url, ALICE, forged);
    expect(await refusalFrom(server.url, ALICE, '127.0.0.1')).toBe('too_many_connections');
  });

  it('should count every client behind a proxy as the proxy when no proxy is trusted', async () => {
    server = createPresenceServer({ trustProxy: false, maxConnectionsPerIp: MAX });
    await server.listen();
    const url = await behindProxies(server.url, 1);
    for (const from of [ALICE, BOB, ALICE]) await connectFrom(url, from, '203.0.113.1');
    expect(await refusalFrom(url, BOB, '203.0.113.2')).toBe('too_many_connections');
  });

  it('should take TRUST_PROXY=true as one hop in the executable, and say so at start', async () => {
    node = await startServerProcess({ TRUST_PROXY: 'true', MAX_CONNECTIONS_PER_IP: '2' });
    const url = await behindProxies(node.url, 1);
    await connectFrom(url, ALICE, '203.0.113.1');
    await connectFrom(url, ALICE, '203.0.113.2');
    expect(await refusalFrom(url, ALICE, '203.0.113.3')).toBe('too_many_connections');
    await connectFrom(url, BOB, ALICE);
    expect(node.output()).toContain('TRUST_PROXY=true trusts one proxy');
  });
});
