/**
 * The sockets of a load process, by group, and what each knows: the latest count it was told for
 * its post (dropping updates older by `seq`, like the SDK) and how many updates it got.
 */
import type { Socket } from 'socket.io-client';

export interface Client {
  socket: Socket;
  group: string;
  /** The post whose count this socket tracks (viewed or watched); 0: none. */
  post: number;
  /** The post this socket left last: its late updates are not "foreign". */
  left: number;
  joined: boolean;
  /** A join or leave is in flight. */
  busy: boolean;
  /** Latest count known for `post`; -1: none yet. */
  count: number;
  seq: number;
  /** When `count` last changed value (epoch ms). */
  countAt: number;
  messages: number;
  foreign: number;
  connected: boolean;
  record?: number[];
}

const groups = new Map<string, Client[]>();
let disconnects = 0;

/** A new socket of `group` (not yet connected), counting its updates and unexpected disconnects. */
export function addClient(group: string, socket: Socket): Client {
  const c: Client = {
    socket,
    group,
    post: 0,
    left: 0,
    joined: false,
    busy: false,
    count: -1,
    seq: 0,
    countAt: 0,
    messages: 0,
    foreign: 0,
    connected: false,
  };
  openGroup(group);
  groups.get(group)?.push(c);
  socket.on('presence:count', (payload: unknown) => onCount(c, payload));
  socket.on('disconnect', () => {
    if (c.connected) disconnects += 1;
    c.connected = false;
  });
  return c;
}

/** Creates `name` if it is new; returns how many sockets it has (the next one's index). */
export function openGroup(name: string): number {
  const clients = groups.get(name) ?? [];
  groups.set(name, clients);
  return clients.length;
}

export function group(name: string): Client[] {
  const clients = groups.get(name);
  if (!clients) throw new Error(`no group ${name}`);
  return clients;
}

export function client(name: string, index: number): Client {
  const c = group(name)[index];
  if (!c) throw new Error(`no socket ${index} in group ${name}`);
  return c;
}

/** Every socket of these groups (a group not created yet has none). */
export function tracked(groupNames: string[]): Client[] {
  return groupNames.flatMap((name) => groups.get(name) ?? []);
}

/** Sockets that went away without being asked to, since the process started. */
export function disconnectCount(): number {
  return disconnects;
}

/** Closes the sockets of `name` (not counted as unexpected disconnects) and forgets them. */
export function closeGroup(name: string): void {
  for (const c of groups.get(name) ?? []) {
    c.connected = false;
    c.socket.disconnect();
  }
  groups.delete(name);
}

export function closeAll(): void {
  for (const clients of groups.values()) for (const c of clients) c.socket.disconnect();
  groups.clear();
}

export function setCount(c: Client, count: number, seq: number, at: number): void {
  if (count !== c.count) c.countAt = at;
  c.count = count;
  c.seq = seq;
}

function onCount(c: Client, payload: unknown): void {
  const at = Date.now();
  const p = payload as { postId?: number; count?: number; seq?: number };
  if (typeof p.postId !== 'number' || typeof p.count !== 'number') return;
  if (p.postId !== c.post) {
    if (p.postId !== c.left) c.foreign += 1;
    return;
  }
  c.messages += 1;
  const seq = typeof p.seq === 'number' ? p.seq : 0;
  c.record?.push(seq, at, p.count);
  if (seq < c.seq) return; // older than what we know: the SDK drops it too
  setCount(c, p.count, seq, at);
}
