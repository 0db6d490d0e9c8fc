import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { LifecycleTarget } from './page-lifecycle.js';
import type { TokenRefreshEnvironment } from './token-refresh.js';
import type { VisitorIdStorage } from './visitor-id.js';

/** The socket methods the client uses (socket.io-client's `Socket` has them). */
export interface PresenceSocket {
  readonly connected: boolean;
  readonly active: boolean;
  on(event: string, listener: (arg: never) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
  timeout(ms: number): {
    emit(event: string, payload: unknown, ack: (err: unknown, response: unknown) => void): unknown;
  };
}

/**
 * What the client takes from its surroundings; tests replace it.
 * @internal
 */
export interface ClientEnvironment {
  connect(url: string, options: Partial<ManagerOptions & SocketOptions>): PresenceSocket;
  /** `window`, for page lifecycle events; `undefined` outside browsers. */
  page: LifecycleTarget | undefined;
  storage: VisitorIdStorage | undefined;
  getRandomValues(array: Uint8Array): Uint8Array;
  random(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  /** Runs `callback` in a task of its own, once the current task and its microtasks are done. */
  nextTask(callback: () => void): void;
  /** `fetch` of the tokens route; `undefined` where there is none. */
  fetch: TokenRefreshEnvironment['fetch'];
}
