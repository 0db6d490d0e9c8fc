/** The part of `window` the page lifecycle needs. */
export interface LifecycleTarget {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

export interface LifecycleHandlers {
  /** `pagehide`: the page is being unloaded, or put in the back-forward cache (`persisted`). */
  hide(persisted: boolean): void;
  /** `pageshow` of a page restored from the back-forward cache. */
  restore(): void;
  /** `storage`: another tab of this browser wrote `key`. */
  storage(key: string | null, value: string | null): void;
}

/**
 * Listens to the page events the SDK acts on, and returns a function that stops listening.
 *
 * `visibilitychange` is deliberately not among them: a hidden tab stays counted for as long as it
 * is open. Liveness is the server's business (its pings over the socket), never a timer of this
 * page, so throttled timers in background tabs cannot make a reader flap in and out.
 */
export function watchPageLifecycle(
  target: LifecycleTarget,
  handlers: LifecycleHandlers,
): () => void {
  const types = ['pagehide', 'pageshow', 'storage'];
  const listener = (event: Event) => {
    const { persisted } = event as PageTransitionEvent;
    if (event.type === 'pagehide') handlers.hide(persisted === true);
    else if (event.type === 'pageshow') {
      if (persisted === true) handlers.restore();
    } else handlers.storage((event as StorageEvent).key, (event as StorageEvent).newValue);
  };
  types.forEach((type) => target.addEventListener(type, listener));
  return () => types.forEach((type) => target.removeEventListener(type, listener));
}
