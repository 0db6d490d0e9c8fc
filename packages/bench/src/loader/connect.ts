/** Connecting many sockets: `concurrency` at a time, until `count` or the deadline. */
import { io } from 'socket.io-client';
import type { ConnectArgs, ConnectResult } from '../messages.js';
import { addClient, openGroup } from './clients.js';

export async function connect(args: ConnectArgs): Promise<ConnectResult> {
  const errors: Record<string, number> = {};
  let connected = 0;
  let failed = 0;
  let lastAt = 0;
  const startedAt = Date.now();
  const deadline = startedAt + args.timeoutMs;
  const base = openGroup(args.group);

  const open = (index: number) =>
    new Promise<void>((resolve) => {
      const socket = io(args.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        timeout: Math.max(1000, Math.min(20_000, deadline - Date.now())),
        auth: { visitorId: `${args.prefix}${index}` },
      });
      const c = addClient(args.group, socket);
      socket.once('connect', () => {
        c.connected = true;
        connected += 1;
        lastAt = Date.now();
        resolve();
      });
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
        const code = error.data?.code ?? error.message.slice(0, 40);
        errors[code] = (errors[code] ?? 0) + 1;
        failed += 1;
        resolve();
      });
    });

  let next = 0;
  const worker = async () => {
    while (next < args.count && Date.now() < deadline) {
      const index = base + next++;
      await open(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, args.concurrency) }, worker));
  failed += args.count - next; // not even tried before the deadline
  return { connected, failed, errors, startedAt, lastAt };
}
