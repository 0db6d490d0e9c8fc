import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { ClientEnvironment, PresenceSocket } from '../../../src/presence-client.js';

export interface Emitted {
  event: string;
  payload: unknown;
  ack: (err: unknown, response: unknown) => void;
}

/** A socket.io-client socket stand-in: the test plays the server. */
export class FakeSocket implements PresenceSocket {
  connected = false;
  active = true;
  connectCalls = 0;
  disconnectCalls = 0;
  emitted: Emitted[] = [];
  private readonly handlers = new Map<string, Array<(arg: never) => void>>();

  constructor(
    readonly url: string,
    readonly options: Partial<ManagerOptions & SocketOptions>,
  ) {}

  on(event: string, listener: (arg: never) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), listener]);
    return this;
  }

  connect(): this {
    this.connectCalls++;
    this.active = true;
    return this;
  }

  disconnect(): this {
    this.disconnectCalls++;
    this.active = false;
    if (this.connected) this.drop('io client disconnect');
    return this;
  }

  timeout(_ms: number) {
    return {
      emit: (event: string, payload: unknown, ack: Emitted['ack']) => {
        // What reaches the server: the payload as JSON (undefined fields left out).
        this.emitted.push({ event, payload: JSON.parse(JSON.stringify(payload)), ack });
      },
    };
  }

  fire(event: string, arg?: unknown): void {
    for (const listener of this.handlers.get(event) ?? []) listener(arg as never);
  }

  /** The handshake succeeds. */
  accept(): void {
    this.connected = true;
    this.fire('connect');
  }

  /** The connection drops; socket.io-client cancels the acks in flight. */
  drop(reason = 'transport close'): void {
    this.connected = false;
    this.fire('disconnect', reason);
    const pending = this.emitted.splice(0);
    for (const { ack } of pending) ack(new Error('socket has been disconnected'), undefined);
  }

  /** What the socket sent and the test has not answered yet, without the acks. */
  take(): Array<[string, unknown]> {
    return this.emitted.map(({ event, payload }) => [event, payload]);
  }

  /** Answers every request in flight with `answer(event, payload)`. */
  answerAll(answer: (event: string, payload: unknown) => unknown): void {
    for (const { event, payload, ack } of this.emitted.splice(0)) ack(null, answer(event, payload));
  }

  /** What the handshake would send as `auth`. */
  auth(): unknown {
    let data: unknown;
    const auth = this.options.auth as (callback: (data: object) => void) => void;
    auth((value) => (data = value));
    return data;
  }
}

/** `document`: whether the page is shown, or prerendered; the test changes it. */
export interface FakeDocument extends EventTarget {
  visibilityState: 'visible' | 'hidden';
  prerendering: boolean;
}

export interface FakeEnvironment extends ClientEnvironment {
  sockets: FakeSocket[];
  page: EventTarget & { document: FakeDocument };
  storageData: Map<string, string>;
  timers: Array<{ callback: () => void; ms: number }>;
  /** Requests of the tokens route the test has not answered yet. */
  fetches: FakeFetch[];
  /** Runs the timers due so far (all of them: delays are not simulated). */
  runTimers(): void;
}

/** A `fetch()` in flight: the test plays the WordPress site. */
export interface FakeFetch {
  url: string;
  /** Answers with a status and a JSON body. */
  respond(status: number, body?: unknown): void;
  /** Fails as a network error does. */
  fail(): void;
}

export function fakeEnvironment(): FakeEnvironment {
  const storageData = new Map<string, string>();
  const env: FakeEnvironment = {
    sockets: [],
    page: Object.assign(new EventTarget(), {
      document: Object.assign(new EventTarget(), {
        visibilityState: 'visible' as const,
        prerendering: false,
      }),
    }),
    storageData,
    storage: {
      getItem: (key) => storageData.get(key) ?? null,
      setItem: (key, value) => void storageData.set(key, value),
    },
    timers: [],
    fetches: [],
    fetch: (url) =>
      new Promise((resolve, reject) => {
        env.fetches.push({
          url,
          respond: (status, body) => resolve({ status, json: () => Promise.resolve(body) }),
          fail: () => reject(new TypeError('Failed to fetch')),
        });
      }),
    connect(url, options) {
      const socket = new FakeSocket(url, options);
      env.sockets.push(socket);
      return socket;
    },
    getRandomValues: (array) => crypto.getRandomValues(array),
    random: () => 0.5,
    setTimeout(callback, ms) {
      env.timers.push({ callback, ms });
      return env.timers.length;
    },
    nextTask: (callback) => void setTimeout(callback, 0),
    runTimers() {
      for (const { callback } of env.timers.splice(0)) callback();
    },
  };
  return env;
}

/**
 * Lets the client's loop run: its microtasks, the task it makes its socket in (`nextTask`, queued
 * by those microtasks) and the one that socket connects in (queued by that task): three turns.
 */
export const settle = () =>
  new Promise<void>((resolve) => setTimeout(() => setTimeout(() => setTimeout(resolve, 0), 0), 0));

export function pageEvent(type: string, fields: Record<string, unknown>): Event {
  return Object.assign(new Event(type), fields);
}

/** The page is shown or hidden, as the browser tells it: `visibilitychange` on the document. */
export function setVisibility(env: FakeEnvironment, visibilityState: 'visible' | 'hidden'): void {
  env.page.document.visibilityState = visibilityState;
  env.page.document.dispatchEvent(new Event('visibilitychange'));
}
