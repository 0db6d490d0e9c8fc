/**
 * A load process: holds many real socket.io-client connections (websocket transport, one Manager
 * each) and does what the orchestrator asks over IPC (messages.ts): connect, join, leave, watch,
 * churn, probe, wait for counts, report counters (loader/). It exits when the orchestrator goes
 * away.
 */
import type { IndexesArgs, LoaderUsage, Reply, Request } from './messages.js';
import { churn, probe } from './loader/churn.js';
import { client, closeAll, closeGroup, type Client } from './loader/clients.js';
import { connect } from './loader/connect.js';
import { expect, records, resetStats, stats } from './loader/counts.js';
import { join, leave, watch } from './loader/presence.js';

async function forEachIndex(
  args: IndexesArgs,
  f: (c: Client) => Promise<unknown> | void,
): Promise<void> {
  await Promise.all(args.indexes.map((i) => f(client(args.group, i))));
}

let cpuStart = process.cpuUsage();
function usage(reset: boolean): LoaderUsage {
  const u = process.cpuUsage(cpuStart);
  if (reset) cpuStart = process.cpuUsage();
  return { cpuMs: (u.user + u.system) / 1000, rssBytes: process.memoryUsage.rss() };
}

const handlers: Record<string, (args: never) => unknown> = {
  connect,
  join,
  watch,
  expect,
  churn,
  probe,
  stats,
  resetStats,
  records,
  leave: (args: IndexesArgs) =>
    forEachIndex(args, async (c) => {
      if (c.joined) await leave(c, args.timeoutMs);
    }),
  disconnect: (args: IndexesArgs) =>
    forEachIndex(args, (c) => {
      c.connected = false; // an intended disconnect is not counted as an unexpected one
      c.socket.disconnect();
    }),
  usage: (args: { reset: boolean }) => usage(args.reset),
  closeGroup: (args: { group: string }) => closeGroup(args.group),
  close: () => {
    closeAll();
    setTimeout(() => process.exit(0), 100);
  },
};

process.on('message', (message: Request) => {
  const handler = handlers[message.op];
  const send = (reply: Reply) => {
    if (process.connected) process.send?.(reply);
  };
  if (!handler) return send({ id: message.id, ok: false, error: `unknown op ${message.op}` });
  Promise.resolve()
    .then(() => handler(message.args as never))
    .then(
      (result) => send({ id: message.id, ok: true, result: result ?? null }),
      (error: unknown) => send({ id: message.id, ok: false, error: String(error) }),
    );
});

// The orchestrator is gone (Ctrl-C, crash): drop everything and exit.
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
