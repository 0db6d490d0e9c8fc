/** The part of `window` the page lifecycle needs. */
export interface LifecycleTarget {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  /** The page's document: whether it is shown, or prerendered. */
  readonly document?: LifecycleDocument;
}

/** The part of `document` the page lifecycle needs. */
export interface LifecycleDocument {
  readonly visibilityState: string;
  /** True while the page is prerendered (Speculation Rules) and not shown yet. */
  readonly prerendering?: boolean;
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
  /** `visibilitychange` or `prerenderingchange`: the page was shown, or hidden. */
  view(): void;
}

const WINDOW_EVENTS = ['pagehide', 'pageshow', 'storage'];
const DOCUMENT_EVENTS = ['visibilitychange', 'prerenderingchange'];

/**
 * Listens to the page events the SDK acts on, and returns a function that stops listening.
 *
 * Liveness itself is the server's business (its pings over the socket), never a timer of this
 * page; but whether the page is shown is the page's: a prerendered page is not counted before it
 * is shown, and a tab hidden too long stops being counted (see `hiddenTimeoutMs`).
 */
export function watchPageLifecycle(
  target: LifecycleTarget,
  handlers: LifecycleHandlers,
): () => void {
  const listener = (event: Event) => {
    const { persisted } = event as PageTransitionEvent;
    if (event.type === 'pagehide') handlers.hide(persisted === true);
    else if (event.type === 'pageshow') {
      if (persisted === true) handlers.restore();
    } else if (event.type === 'storage') {
      handlers.storage((event as StorageEvent).key, (event as StorageEvent).newValue);
    } else handlers.view();
  };
  const { document } = target;
  const each = (method: 'addEventListener' | 'removeEventListener') => {
    WINDOW_EVENTS.forEach((type) => target[method](type, listener));
    DOCUMENT_EVENTS.forEach((type) => document?.[method](type, listener));
  };
  each('addEventListener');
  return () => each('removeEventListener');
}
