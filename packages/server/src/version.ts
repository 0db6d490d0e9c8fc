import { readFileSync } from 'node:fs';

/**
 * This server's version, from its package.json (`../package.json` from src/ and from dist/ alike).
 * `/healthz` says it, so WordPress can tell a server too old for its tokens (Site Health).
 */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
