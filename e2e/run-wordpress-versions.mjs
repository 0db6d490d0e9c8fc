#!/usr/bin/env node
/*
 * `npm test -w @vip-presence/e2e`: the suite on two WordPress versions, one after the other, each
 * a whole Playwright run with its own fresh WordPress (wp-env instance "e2e"):
 *   1. "debian": WordPress 6.1 from Debian's packages, the oldest version the plugin claims
 *      (scripts/wordpress-core.sh), every spec;
 *   2. "newest": the newest WordPress that installs offline, Playground's build of 6.7-alpha from
 *      the npm package @wp-playground/wordpress-builds (`scripts/wordpress-core.sh --newest`, which
 *      fetches it into .cache/ once), the subset of specs named in playwright.config.ts.
 * Each run checks that WordPress is the expected version (global-setup.ts, wordpress.spec.ts), so a
 * wrong core cannot pass unnoticed. Arguments go to both runs (`-- specs/presence.spec.ts`);
 * E2E_WP_CORES=debian (or newest) runs one. Exits non-zero when either run fails.
 */
import { spawnSync } from 'node:child_process';

/** The cores, and the version each must be (a prefix of WordPress's $wp_version). */
const RUNS = [
  { core: 'debian', expect: '6.1.' },
  { core: 'newest', expect: '6.7-' },
];

const wanted = (process.env.E2E_WP_CORES ?? RUNS.map((r) => r.core).join(',')).split(',');
const args = process.argv.slice(2);
const results = [];
let build = !process.env.E2E_SKIP_BUILD;
for (const { core, expect } of RUNS.filter((r) => wanted.includes(r.core))) {
  console.error(`\n[e2e] === WordPress core "${core}" (${expect}x) ===`);
  const started = Date.now();
  const run = spawnSync('npx', ['playwright', 'test', ...args], {
    stdio: 'inherit',
    env: {
      ...process.env,
      E2E_WP_CORE: core,
      E2E_WP_EXPECT_VERSION: expect,
      ...(build ? {} : { E2E_SKIP_BUILD: '1' }),
    },
  });
  build = false; // the first run built everything
  const seconds = Math.round((Date.now() - started) / 1000);
  results.push({ core, status: run.status ?? 1, seconds });
}
if (!results.length) throw new Error(`E2E_WP_CORES names no known core: ${wanted.join(',')}`);
for (const { core, status, seconds } of results)
  console.error(`[e2e] WordPress "${core}": ${status === 0 ? 'passed' : 'FAILED'} in ${seconds} s`);
process.exit(results.every((r) => r.status === 0) ? 0 : 1);
