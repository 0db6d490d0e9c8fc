/**
 * The browser entry: defines `window.vipPresence` and configures it from
 * `window.vipPresenceSettings`, which the WordPress plugin prints before this script.
 * Built as the IIFE `dist/vip-presence(.min).js`, and importable as `@vip-presence/client/browser`
 * by a bundler (the plugin's @wordpress/scripts build).
 *
 * If the page already has a `window.vipPresence` (the SDK loaded twice), that one is kept and
 * configured, so a page never holds two sockets.
 */
import { createPresenceClient, type PresenceClient } from './presence-client.js';
import type { PresenceSettings } from './settings.js';

declare global {
  interface Window {
    vipPresence?: PresenceClient;
    vipPresenceSettings?: PresenceSettings;
  }
}

function isPresenceClient(value: unknown): value is PresenceClient {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PresenceClient).subscribe === 'function' &&
    typeof (value as PresenceClient).configure === 'function'
  );
}

function install(): PresenceClient | undefined {
  if (typeof window === 'undefined') return undefined; // server-side rendering: nothing to do
  const settings = window.vipPresenceSettings;
  const existing = window.vipPresence;
  if (isPresenceClient(existing)) {
    if (settings) existing.configure(settings);
    return existing;
  }
  const client = createPresenceClient(settings ?? {});
  window.vipPresence = client;
  return client;
}

/** The page's client (`window.vipPresence`); `undefined` outside browsers. */
export const vipPresence: PresenceClient | undefined = install();
export default vipPresence;
