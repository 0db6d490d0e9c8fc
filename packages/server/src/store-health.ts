import type { Logger } from 'pino';
import type { RedisClient } from '@vip-presence/store';
import type { Metrics } from './metrics.js';

/**
 * Whether the store answers, from what its operations and its connection report. An outage is
 * logged once when it starts and once when it ends, however many operations fail in between.
 */
export class StoreHealth {
  private up: boolean;

  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
    /** The embedded store always answers; Redis answers once connected. */
    initiallyUp: boolean,
  ) {
    this.up = initiallyUp;
  }

  /** A store operation (or the connection) succeeded. */
  answered(): void {
    if (!this.up) this.log.info('store available');
    this.up = true;
    this.metrics.storeUp.set(1);
  }

  failed(operation: string, error: unknown): void {
    this.metrics.storeErrors.inc();
    if (this.up) this.log.warn({ operation, err: error }, 'store unavailable');
    this.up = false;
    this.metrics.storeUp.set(0);
  }

  /**
   * Follows the store's Redis connection; `reconnected` runs each time it is ready again after
   * the first time (Redis restarted? its leases must be re-asserted).
   */
  follow(client: RedisClient, reconnected: () => void): void {
    let everReady = false;
    client.on('ready', () => {
      this.answered();
      if (everReady) reconnected();
      everReady = true;
    });
    client.on('error', (error: Error) => this.failed('connection', error));
    client.on('end', () => this.failed('connection', new Error('connection closed')));
  }
}
