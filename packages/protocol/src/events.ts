/**
 * Event names of wire protocol v1. They are fixed: other clients implement them.
 */
export const Events = {
  /** client -> server: count this visitor as viewing a post (and watch it). */
  Join: 'presence:join',
  /** client -> server: stop viewing a post. */
  Leave: 'presence:leave',
  /** client -> server: receive counts of posts without being counted. */
  Watch: 'presence:watch',
  /** client -> server: stop receiving counts of posts. */
  Unwatch: 'presence:unwatch',
  /** server -> client: the coalesced count of a post. */
  Count: 'presence:count',
} as const;

export type EventName = (typeof Events)[keyof typeof Events];

/** The events a client may send. Anything else is refused with `unknown_event`. */
export const CLIENT_EVENTS: ReadonlySet<string> = new Set<string>([
  Events.Join,
  Events.Leave,
  Events.Watch,
  Events.Unwatch,
]);

/** Version of the wire protocol this package describes. */
export const PROTOCOL_VERSION = 1;
