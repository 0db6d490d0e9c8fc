import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SweepHealth } from './health.js';
import type { SweepReport } from './sweeper.js';

/**
 * Prometheus metrics of the gc, all named `vip_presence_gc_*` (the servers' are
 * `vip_presence_*`): what its sweeps did, and whether they still succeed. Only counts.
 */
export function createGcMetrics(health: SweepHealth) {
  const registry = new Registry();
  // Process metrics (CPU, memory, open files, event loop), sampled as on the server nodes.
  collectDefaultMetrics({
    register: registry,
    prefix: 'vip_presence_gc_',
    eventLoopMonitoringPrecision: 100,
  });
  const sweeps = new Counter({
    name: 'vip_presence_gc_sweeps_total',
    help: 'Sweeps of every site, by result: ok, or error (a step failed)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Both series from the start, so rate() and alerts see a 0 rather than nothing.
  sweeps.inc({ result: 'ok' }, 0);
  sweeps.inc({ result: 'error' }, 0);
  const errors = new Counter({
    name: 'vip_presence_gc_errors_total',
    help: 'Failed sweep steps: reading the list of sites, or sweeping one site',
    registers: [registry],
  });
  const reclaimed = new Counter({
    name: 'vip_presence_gc_visitors_reclaimed_total',
    help: 'Expired visitors removed from posts (a visitor counts once per post, whatever its tabs)',
    registers: [registry],
  });
  const changed = new Counter({
    name: 'vip_presence_gc_posts_changed_total',
    help: 'Posts whose count a sweep changed, each count published to the nodes',
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'vip_presence_gc_sweep_duration_seconds',
    help: 'Time one sweep of every site took',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const sites = new Gauge({
    name: 'vip_presence_gc_sites',
    help: 'Sites the last sweep walked (the default site counts as one)',
    registers: [registry],
  });
  new Gauge({
    name: 'vip_presence_gc_last_good_sweep_age_seconds',
    help: 'Time since the last sweep that succeeded (before the first one: since the gc started)',
    registers: [registry],
    collect() {
      this.set(health.status().lastGoodSweepAgeMs / 1_000);
    },
  });
  new Gauge({
    name: 'vip_presence_gc_unhealthy_after_seconds',
    help: '/healthz answers 503 once the last good sweep is older than this (GC_UNHEALTHY_AFTER_MS)',
    registers: [registry],
    collect() {
      this.set(health.status().unhealthyAfterMs / 1_000);
    },
  });

  return {
    registry,
    /** Counts what one sweep did. */
    record(report: SweepReport): void {
      sweeps.inc({ result: report.ok ? 'ok' : 'error' });
      errors.inc(report.errors);
      reclaimed.inc(report.reclaimed);
      changed.inc(report.changed);
      duration.observe(report.durationMs / 1_000);
      if (report.sites > 0) sites.set(report.sites);
    },
  };
}

export type GcMetrics = ReturnType<typeof createGcMetrics>;
