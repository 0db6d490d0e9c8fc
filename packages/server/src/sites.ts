import { Site, type SiteDeps } from './site.js';

/**
 * The sites read on this node, made when their first socket connects. A named site nobody has
 * read here for a whole check interval (no socket, no lease) is stopped and forgotten, so names
 * sent by clients cannot pile up; the default site lives as long as the node.
 */
export class Sites {
  private readonly sites = new Map<string | undefined, Site>();
  /** Named sites found idle at the last check. */
  private idle = new Set<Site>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SiteDeps) {}

  /** The site's presence on this node, made (and started) when it is not yet. */
  get(key: string | undefined): Site {
    let site = this.sites.get(key);
    if (!site) {
      site = new Site(key, this.deps);
      this.sites.set(key, site);
      if (this.timer) site.start();
    }
    return site;
  }

  /** Starts every site made so far, and the idle check (every heartbeat interval). */
  start(): void {
    for (const site of this.sites.values()) site.start();
    this.timer = setInterval(() => void this.forgetIdle(), this.deps.opts.heartbeatIntervalMs);
    this.timer.unref();
  }

  /** Sites here now. */
  get size(): number {
    return this.sites.size;
  }

  /** Sockets connected here, over all sites. */
  get socketCount(): number {
    let sockets = 0;
    for (const site of this.sites.values()) sockets += site.core.socketCount;
    return sockets;
  }

  /** (site, post, visitor) leases this node holds. */
  get leaseCount(): number {
    let leases = 0;
    for (const site of this.sites.values()) leases += site.core.leaseCount;
    return leases;
  }

  /** Renews every lease of this node now (after Redis came back). */
  async beat(): Promise<void> {
    await Promise.all([...this.sites.values()].map((site) => site.beat()));
  }

  /** The node closes: each site drops this node's viewers and stops. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.sites.values()].map((site) => site.close()));
  }

  private async forgetIdle(): Promise<void> {
    const idleNow = new Set<Site>();
    const forget: Site[] = [];
    for (const site of this.sites.values()) {
      if (site.key === undefined || site.core.socketCount > 0 || site.core.leaseCount > 0) continue;
      if (this.idle.has(site)) forget.push(site);
      else idleNow.add(site);
    }
    this.idle = idleNow;
    for (const site of forget) this.sites.delete(site.key);
    await Promise.all(forget.map((site) => site.stop()));
  }
}
