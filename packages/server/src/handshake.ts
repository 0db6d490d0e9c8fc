import {
  ErrorCodes,
  parseHandshakeAuth,
  protocolError,
  type ErrorCode,
} from '@vip-presence/protocol';
import type { AddressConnections } from '@vip-presence/store';
import { isbot } from 'isbot';
import type { Socket } from 'socket.io';
import { clientAddressReader } from './client-address.js';
import type { ResolvedOptions } from './options.js';
import type { Refusals } from './refusals.js';
import type { StoreHealth } from './store-health.js';

/** What the handshake learned of a connection (`socket.data`). */
export interface SocketData {
  visitorId: string;
  /** The site whose posts the socket reads (`auth.site`); undefined: the default site. */
  site: string | undefined;
  /** The client address as counted (`addressKey`), held against the limit until `release`. */
  ip: string;
  /**
   * False for a known crawler (by its User-Agent, `isbot`'s list): its joins are watches, never
   * counted (DESIGN 24). A client that sends no User-Agent is counted.
   */
  counted: boolean;
}

export interface HandshakeOptions {
  options: Pick<ResolvedOptions, 'allowedOrigins' | 'trustProxy' | 'heartbeatIntervalMs'>;
  /** Connections per address over all nodes (`maxConnectionsPerIp`); undefined: no limit. */
  connections: AddressConnections | undefined;
  refusals: Refusals;
  health: StoreHealth;
  /** The node is shutting down: no new connections. */
  isClosing(): boolean;
}

/**
 * Who may connect: not while the node shuts down, only from allowed origins, only with a valid
 * `auth.visitorId` (and `auth.site`, when given), and only while the client address has fewer
 * than `maxConnectionsPerIp` connections open over all nodes (one store round trip, the last
 * check, so that a connection refused for anything else costs the store nothing). A refused
 * connection gets the error code in its `connect_error` and writes nothing.
 */
export class Handshake {
  private readonly addressOf: ReturnType<typeof clientAddressReader>;
  private readonly releasing = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly context: HandshakeOptions) {
    this.addressOf = clientAddressReader(context.options.trustProxy);
  }

  /** Socket.IO middleware (`io.use`). */
  readonly check = (socket: Socket, next: (error?: Error) => void): void => {
    this.admit(socket).then(next, next);
  };

  /** Renews this node's connections in the store every heartbeat interval. */
  start(): void {
    if (!this.context.connections) return;
    this.timer = setInterval(() => void this.renew(), this.context.options.heartbeatIntervalMs);
    this.timer.unref();
  }

  /** Renews now (also after the store came back: its entries may be gone). */
  async renew(): Promise<void> {
    const { connections, health } = this.context;
    try {
      await connections?.renew();
    } catch (error) {
      health.failed('connections', error);
    }
  }

  /** A connection from `ip` that the handshake admitted has closed. */
  release(ip: string): void {
    const { connections, health } = this.context;
    if (!connections) return;
    const released = connections
      .release(ip)
      .catch((error: unknown) => health.failed('connections', error))
      .finally(() => this.releasing.delete(released));
    this.releasing.add(released);
  }

  /** The node closes (its sockets are gone): stop renewing, finish releasing. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.releasing]);
  }

  /** Undefined when the socket may connect, else the refusal its client gets. */
  private async admit(socket: Socket): Promise<Error | undefined> {
    const { options, refusals, connections, health } = this.context;
    const refuse = (code: ErrorCode, message: string) =>
      refusals.connection(protocolError(code, message));
    if (this.context.isClosing()) return refuse(ErrorCodes.Unavailable, 'server is shutting down');
    const origin = socket.handshake.headers.origin;
    if (
      options.allowedOrigins.length > 0 &&
      (!origin || !options.allowedOrigins.includes(origin))
    ) {
      return refuse(ErrorCodes.OriginNotAllowed, 'this origin may not connect');
    }
    const auth = parseHandshakeAuth(socket.handshake.auth);
    if (!auth.ok) return refusals.connection(auth.error);
    const ip = this.addressOf(socket.request, socket.handshake.address);
    if (connections) {
      const { admitted, storeError } = await connections.acquire(ip);
      if (storeError === undefined) health.answered();
      else health.failed('connections', storeError);
      if (!admitted) {
        return refuse(ErrorCodes.TooManyConnections, 'too many connections from this address');
      }
      // Gone while the store answered: Socket.IO drops such a socket without a disconnect.
      if (socket.conn.readyState !== 'open') {
        this.release(ip);
        return new Error('closed during the handshake');
      }
    }
    const data: SocketData = {
      visitorId: auth.value.visitorId,
      site: auth.value.site,
      ip,
      counted: !isbot(socket.handshake.headers['user-agent']),
    };
    socket.data = data;
    return undefined;
  }
}
