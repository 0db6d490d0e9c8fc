import type { Logger } from 'pino';
import type { PresenceStore } from '@vip-presence/store';
import type { EffectRunner } from './effect-runner.js';
import type { PresenceCore } from './presence-core.js';

/**
 * The gc of the embedded mode, in-process: every `intervalMs` the memory store reclaims expired
 * leases, and the posts whose count changed are announced like any change made here.
 * Returns a function that stops it.
 */
export function startEmbeddedSweeper(
  store: PresenceStore,
  core: PresenceCore,
  run: EffectRunner,
  intervalMs: number,
  log: Logger,
): () => void {
  const timer = setInterval(() => {
    store
      .sweep()
      .then((changed) => changed.forEach((count) => void run(core.stored(count))))
      .catch((error: unknown) => log.error({ err: error }, 'sweep failed'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
