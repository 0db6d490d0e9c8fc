import {
  ErrorCodes,
  parseHandshakeAuth,
  protocolError,
  type ErrorCode,
} from '@vip-presence/protocol';
import type { Socket } from 'socket.io';
import { clientAddressReader } from './client-address.js';
import type { ResolvedOptions } from './options.js';
import type { Refusals } from './refusals.js';

/** What the handshake learned of a connection (`socket.data`). */
export interface SocketData {
  visitorId: string;
  /** The site whose posts the socket reads (`auth.site`); undefined: the default site. */
  site: string | undefined;
  /** The client address, counted against `maxConnectionsPerIp` until `release`. */
  ip: string;
}

export interface HandshakeOptions {
  options: Pick<ResolvedOptions, 'allowedOrigins' | 'maxConnectionsPerIp' | 'trustProxy'>;
  refusals: Refusals;
  /** The node is shutting down: no new connections. */
  isClosing(): boolean;
}

/**
 * Who may connect: not while the node shuts down, only from allowed origins, only with a valid
 * `auth.visitorId` (and `auth.site`, when given), at most `maxConnectionsPerIp` at once from one address. A refused connection
 * gets the error code in its `connect_error`.
 */
export class Handshake {
  private readonly connectionsPerIp = new Map<string, number>();
  private readonly addressOf: ReturnType<typeof clientAddressReader>;

  constructor(private readonly context: HandshakeOptions) {
    this.addressOf = clientAddressReader(context.options.trustProxy);
  }

  /** Socket.IO middleware (`io.use`). */
  readonly check = (socket: Socket, next: (error?: Error) => void): void => {
    const { options, refusals } = this.context;
    const refuse = (code: ErrorCode, message: string) =>
      next(refusals.connection(protocolError(code, message)));
    if (this.context.isClosing()) return refuse(ErrorCodes.Unavailable, 'server is shutting down');
    const origin = socket.handshake.headers.origin;
    if (
      options.allowedOrigins.length > 0 &&
      (!origin || !options.allowedOrigins.includes(origin))
    ) {
      return refuse(ErrorCodes.OriginNotAllowed, 'this origin may not connect');
    }
    const auth = parseHandshakeAuth(socket.handshake.auth);
    if (!auth.ok) return next(refusals.connection(auth.error));
    const ip = this.addressOf(socket.request, socket.handshake.address);
    const open = this.connectionsPerIp.get(ip) ?? 0;
    if (options.maxConnectionsPerIp > 0 && open >= options.maxConnectionsPerIp) {
      return refuse(ErrorCodes.TooManyConnections, 'too many connections from this address');
    }
    this.connectionsPerIp.set(ip, open + 1);
    const data: SocketData = { visitorId: auth.value.visitorId, site: auth.value.site, ip };
    socket.data = data;
    next();
  };

  /** A connection from `ip` closed. */
  release(ip: string): void {
    const open = (this.connectionsPerIp.get(ip) ?? 1) - 1;
    if (open > 0) this.connectionsPerIp.set(ip, open);
    else this.connectionsPerIp.delete(ip);
  }
}
