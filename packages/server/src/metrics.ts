import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the gauges read when scraped. */
export interface MetricSources {
  sockets(): number;
  leases(): number;
  sites(): number;
}

/** Prometheus metrics of one server node. Only counts: never ids or addresses. */
export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  // The event-loop lag metric samples with a timer; at prom-client's default of every 10 ms it
  // woke an idle node 100 times a second, ~1 % of a core here. Every 100 ms still catches the
  // stalls that matter (they last tens of ms or more).
  collectDefaultMetrics({
    register: registry,
    prefix: 'vip_presence_',
    eventLoopMonitoringPrecision: 100,
  });
  const m = {
    registry,
    connections: new Gauge({
      name: 'vip_presence_connections',
      help: 'Open sockets on this node',
      registers: [registry],
      collect() {
        this.set(sources.sockets());
      },
    }),
    leases: new Gauge({
      name: 'vip_presence_leases',
      help: 'Visitor leases held by this node',
      registers: [registry],
      collect() {
        this.set(sources.leases());
      },
    }),
    sites: new Gauge({
      name: 'vip_presence_sites',
      help: 'Sites read on this node (the default site counts as one)',
      registers: [registry],
      collect() {
        this.set(sources.sites());
      },
    }),
    joins: new Counter({
      name: 'vip_presence_joins_total',
      help: 'Accepted joins',
      registers: [registry],
    }),
    botConnections: new Counter({
      name: 'vip_presence_bot_connections_total',
      help: 'Connections from known crawlers (by User-Agent): they watch, and are never counted',
      registers: [registry],
    }),
    botJoins: new Counter({
      name: 'vip_presence_bot_joins_total',
      help: 'Joins from known crawlers, served as watches: not counted, no lease, no view',
      registers: [registry],
    }),
    leaves: new Counter({
      name: 'vip_presence_leaves_total',
      help: 'Visitor leases dropped',
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'vip_presence_refusals_total',
      help: 'Refused events and connections, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'vip_presence_count_deliveries_total',
      help: 'Count updates emitted to local sockets (fan-out passes and single catch-ups)',
      registers: [registry],
    }),
    countsPublished: new Counter({
      name: 'vip_presence_counts_published_total',
      help: 'Count changes made here and published on the counts channel (one per post per batch)',
      registers: [registry],
    }),
    countsDelivered: new Counter({
      name: 'vip_presence_counts_delivered_total',
      help: 'Deliveries Redis made of the counts published here (nodes following each post)',
      registers: [registry],
    }),
    countsReceived: new Counter({
      name: 'vip_presence_counts_received_total',
      help: 'Counts received on the counts channel for posts read here',
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'vip_presence_store_errors_total',
      help: 'Failed store operations',
      registers: [registry],
    }),
    storeUp: new Gauge({
      name: 'vip_presence_store_up',
      help: '1 when the store answers',
      registers: [registry],
    }),
    heartbeatSeconds: new Histogram({
      name: 'vip_presence_heartbeat_duration_seconds',
      help: 'Time to renew all leases of this node',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
