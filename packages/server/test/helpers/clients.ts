import { io as connect, type Socket } from 'socket.io-client';
import { randomBytes } from 'node:crypto';
import type { CountPayload } from '@vip-presence/protocol';

export function newVisitorId(): string {
  return randomBytes(12).toString('base64url');
}

export interface TestClient {
  socket: Socket;
  visitorId: string;
  /** Every presence:count received, in order. */
  counts: CountPayload[];
  /** Sends an event and resolves with its ack. */
  request<T = Record<string, unknown>>(event: string, payload?: unknown): Promise<T>;
  /** Resolves with the first count (already received or future) of `postId` matching `predicate`. */
  waitForCount(
    postId: number,
    predicate: (count: CountPayload) => boolean,
    timeoutMs?: number,
  ): Promise<CountPayload>;
  /** The last count received for `postId`. */
  lastCount(postId: number): CountPayload | undefined;
  close(): void;
}

const open: Socket[] = [];

export interface ConnectOptions {
  auth?: unknown;
  /** Headers of the handshake request (`origin`, `user-agent`, a forged `x-forwarded-for`). */
  extraHeaders?: Record<string, string>;
  /** The loopback address the client connects from (`127.0.0.2`): another client machine. */
  localAddress?: string;
}

/** The websocket's `localAddress` (passed through to Node's `ws`; not in the client's types). */
const localAddress = ({ localAddress }: ConnectOptions) =>
  (localAddress ? { localAddress } : {}) as Record<string, never>;

/** Connects a real socket.io-client over websocket. */
export async function connectClient(
  url: string,
  options: ConnectOptions & { visitorId?: string } = {},
): Promise<TestClient> {
  const visitorId = options.visitorId ?? newVisitorId();
  const socket = connect(url, {
    transports: ['websocket'],
    auth: (options.auth ?? { visitorId }) as Record<string, unknown>,
    extraHeaders: options.extraHeaders,
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
    ...localAddress(options),
  });
  open.push(socket);
  const counts: CountPayload[] = [];
  const waiters: {
    postId: number;
    predicate: (c: CountPayload) => boolean;
    resolve: (c: CountPayload) => void;
  }[] = [];
  socket.on('presence:count', (payload: CountPayload) => {
    counts.push(payload);
    for (const waiter of [...waiters]) {
      if (waiter.postId === payload.postId && waiter.predicate(payload)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(payload);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return {
    socket,
    visitorId,
    counts,
    request: (event, payload) => socket.timeout(5_000).emitWithAck(event, payload),
    waitForCount(postId, predicate, timeoutMs = 5_000) {
      const seen = counts.filter((c) => c.postId === postId).at(-1);
      if (seen && predicate(seen)) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const last = counts.filter((c) => c.postId === postId).at(-1);
          reject(
            new Error(
              `no matching count for post ${postId} within ${timeoutMs} ms (last: ${JSON.stringify(last)})`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          postId,
          predicate,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    lastCount: (postId) => counts.filter((c) => c.postId === postId).at(-1),
    close: () => socket.disconnect(),
  };
}

/** Resolves with the connect_error a refused connection gets. */
export async function connectError(
  url: string,
  options: ConnectOptions,
): Promise<Error & { data?: { code?: string } }> {
  const socket = connect(url, {
    transports: ['websocket'],
    auth: options.auth as Record<string, unknown>,
    extraHeaders: options.extraHeaders,
    reconnection: false,
    forceNew: true,
    ...localAddress(options),
  });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connection was accepted')));
    socket.once('connect_error', (error) => resolve(error as Error & { data?: { code?: string } }));
  });
}

export function closeAllClients(): void {
  for (const socket of open.splice(0)) socket.disconnect();
}
