import type { PresenceStore } from '@vip-presence/store';
import type { EffectRunner } from './effect-runner.js';
import type { Metrics } from './metrics.js';
import type { PresenceCore } from './presence-core.js';
import type { StoreHealth } from './store-health.js';

export interface HeartbeatContext {
  core: PresenceCore;
  store: PresenceStore;
  run: EffectRunner;
  health: StoreHealth;
  metrics: Metrics;
  nodeId: string;
  sessionTtlMs: number;
  intervalMs: number;
  isClosing(): boolean;
}

/**
 * Renews this node's leases every `intervalMs`, all in one store batch (see `liveness.ts`). The
 * renewed counts go into the top-posts index once; changed ones reach readers and other nodes.
 */
export class Heartbeat {
  private beating: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly context: HeartbeatContext) {}

  start(): void {
    this.timer = setInterval(() => void this.beat(), this.context.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Renews now; a renewal under way is shared, not doubled. */
  beat(): Promise<void> {
    this.beating ??= this.renew().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async renew(): Promise<void> {
    const { core, store, run, health, metrics } = this.context;
    if (this.context.isClosing()) return;
    const end = metrics.heartbeatSeconds.startTimer();
    try {
      const { nodeId, sessionTtlMs } = this.context;
      const renewed = await store.refresh(nodeId, sessionTtlMs, core.renewals());
      health.answered();
      void run(core.renewed(renewed));
    } catch (error) {
      health.failed('heartbeat', error);
    } finally {
      end();
    }
  }
}
