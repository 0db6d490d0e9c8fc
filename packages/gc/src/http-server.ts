import { createServer, type Server, type ServerResponse } from 'node:http';
import type { SweepHealth } from './health.js';
import type { GcMetrics } from './metrics.js';

/**
 * The gc's HTTP listener, for probes and Prometheus only:
 *
 *   GET /healthz  200 { status: "ok", lastGoodSweepAgeMs, sweptOnce, unhealthyAfterMs } while a
 *                 sweep succeeded within unhealthyAfterMs; 503 { status: "stale", ... } after
 *   GET /metrics  Prometheus text
 *
 * Anything else is 404 (405 for a method other than GET or HEAD).
 */
export function createGcHttpServer(health: SweepHealth, metrics: GcMetrics): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET, HEAD' });
    }
    switch (path) {
      case '/healthz': {
        const status = health.status();
        const { healthy, ...rest } = status;
        return send(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'stale', ...rest });
      }
      case '/metrics':
        metrics.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
            res.end(text);
          },
          () => send(res, 500, { error: 'metrics_failed' }),
        );
        return;
      default:
        return send(res, 404, { error: 'not_found' });
    }
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}
