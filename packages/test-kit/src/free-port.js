// Free TCP ports on the loopback interface, asked of the kernel.
import net from 'node:net';

/** Every interface a server could listen on, as `isPortFree` checks them by default. */
const ALL_HOSTS = ['127.0.0.1', '::1', '0.0.0.0'];

/**
 * Whether nothing listens on `port` on any of `hosts`. A host the machine does not have (no IPv6)
 * does not count.
 * @param {number} port
 * @param {{ hosts?: string[] }} [options]
 * @returns {Promise<boolean>}
 */
export async function isPortFree(port, { hosts = ALL_HOSTS } = {}) {
  for (const host of hosts) {
    const free = await new Promise((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', (error) =>
        resolve(/** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRNOTAVAIL'),
      );
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** A port the kernel hands out as free on 127.0.0.1 right now. */
function kernelPort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.once('error', reject);
      server.listen({ port: 0, host: '127.0.0.1' }, () => {
        const { port } = /** @type {net.AddressInfo} */ (server.address());
        server.close(() => resolve(port));
      });
    })
  );
}

/**
 * A TCP port that is free on 127.0.0.1 right now. Another process may take it before the caller
 * binds it: launchers retry on "address in use".
 * @param {{ alsoFreeAt?: number[], exclude?: ReadonlySet<number> }} [options]
 *   `alsoFreeAt`: offsets whose ports must be free too (a Redis Cluster node's bus is port + 10000);
 *   `exclude`: ports not to hand out (already given to a process that is starting)
 * @returns {Promise<number>}
 */
export async function freePort({ alsoFreeAt = [], exclude = new Set() } = {}) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await kernelPort();
    const others = alsoFreeAt.map((offset) => port + offset);
    if ([port, ...others].some((p) => exclude.has(p) || p > 65_535)) continue;
    let othersFree = true;
    for (const other of others) othersFree &&= await isPortFree(other, { hosts: ['127.0.0.1'] });
    if (othersFree) return port;
  }
  const also = alsoFreeAt.length ? ` with port + ${alsoFreeAt.join(', + ')} free too` : '';
  throw new Error(`no free port${also} after 50 attempts`);
}
