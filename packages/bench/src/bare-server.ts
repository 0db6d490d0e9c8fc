/**
 * Baseline (scenario F): a bare Socket.IO v4 server with no presence, holding connections only.
 * Same engine settings as the presence server (ping interval/timeout, payload limit, no client
 * bundle served), a handshake check of `auth.visitorId`, and /healthz. Run as a separate process.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const httpServer = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', connections: io.engine.clientsCount }));
    return;
  }
  res.writeHead(404).end();
});
const io = new Server(httpServer, {
  maxHttpBufferSize: Number(process.env.MAX_PAYLOAD_BYTES ?? 16_384),
  pingInterval: Number(process.env.PING_INTERVAL_MS ?? 45_000),
  pingTimeout: Number(process.env.PING_TIMEOUT_MS ?? 10_000),
  serveClient: false,
  cors: { origin: true },
});
io.use((socket, next) => {
  const id: unknown = (socket.handshake.auth as { visitorId?: unknown }).visitorId;
  if (typeof id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(id)) return next();
  next(new Error('invalid visitor id'));
});
io.on('connection', () => undefined);
httpServer.listen(port, host, () => {
  process.stdout.write(`bare socket.io server listening on ${host}:${port}\n`);
});
const stop = () => {
  void io.close();
  setTimeout(() => process.exit(0), 200);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
