import { Events } from '@vip-presence/protocol';
import type { CountsSubscriber, PresenceStore } from '@vip-presence/store';
import type { Server } from 'socket.io';
import type { CountPublisher } from './count-publisher.js';
import type { FanOut } from './fan-out.js';
import type { LeaseQueue } from './lease-queue.js';
import type { Metrics } from './metrics.js';
import type { PresenceCore } from './presence-core.js';
import type { Effect } from './presence-effects.js';
import type { StoreHealth } from './store-health.js';

export interface EffectRunnerContext {
  core: PresenceCore;
  io: Server;
  store: PresenceStore;
  nodeId: string;
  fanOut: FanOut;
  publisher: CountPublisher;
  leases: LeaseQueue;
  /** The counts channel (Redis only). */
  counts: CountsSubscriber | undefined;
  health: StoreHealth;
  metrics: Metrics;
}

/** Does what the core answered; resolves once the store has answered the leases it dropped. */
export type EffectRunner = (effects: readonly Effect[]) => Promise<void>;

const DONE = Promise.resolve();

/** The I/O side of the core's effects: store writes, emits, the fan-out, the counts channel. */
export function createEffectRunner(context: EffectRunnerContext): EffectRunner {
  const { core, io, store, nodeId, fanOut, publisher, leases, counts, health, metrics } = context;

  function drop(postId: number, visitorId: string): Promise<void> {
    metrics.leaves.inc();
    return leases
      .run(postId, visitorId, () => store.leave(postId, visitorId, nodeId))
      .then(
        (count) => {
          health.answered();
          void run(core.stored(count));
        },
        // The lease runs out by itself within sessionTtlMs.
        (error: unknown) => health.failed('leave', error),
      );
  }

  function run(effects: readonly Effect[]): Promise<void> {
    let drops: Promise<void>[] | undefined;
    for (const effect of effects) {
      switch (effect.type) {
        case 'drop':
          (drops ??= []).push(drop(effect.postId, effect.visitorId));
          break;
        case 'send': {
          const socket = io.of('/').sockets.get(effect.socketId);
          if (!socket) break;
          socket.emit(Events.Count, effect.payload);
          metrics.deliveries.inc();
          break;
        }
        case 'deliver':
          fanOut.send(effect.count);
          break;
        case 'publish':
          publisher.enqueue(effect.count, effect.announce);
          break;
        case 'unfollow':
          counts?.unfollow(effect.postId);
          break;
        default:
          effect satisfies never;
      }
    }
    return drops ? Promise.all(drops).then(() => undefined) : DONE;
  }

  return run;
}
