#!/usr/bin/env node
/*
 * `npm test -w @vip-presence/e2e`: the suite in three runs, one after the other, each a whole
 * Playwright run with its own fresh WordPress:
 *   1. "debian": WordPress 6.1 from Debian's packages, the oldest version the plugin claims
 *      (scripts/wordpress-core.sh), every spec but the multisite ones;
 *   2. "newest": the newest WordPress that installs offline, Playground's build of 6.7-alpha from
 *      the npm package @wp-playground/wordpress-builds (`scripts/wordpress-core.sh --newest`, which
 *      fetches it into .cache/ once), the subset of specs named in playwright.config.ts;
 *   3. "multisite": WordPress 6.1 (debian) as a real subdirectory network of two sites sharing the
 *      presence server (E2E_WP_MULTISITE=1, wp-env instance "e2e-multisite"), the multisite
 *      spec(s) only.
 * Each run checks that WordPress is the expected version (global-setup.ts, wordpress.spec.ts), so a
 * wrong core cannot pass unnoticed. Arguments go to every run (`-- specs/presence.spec.ts`); a run
 * whose specs they leave out then passes with no tests. E2E_RUNS=debian,multisite (run names; the
 * older E2E_WP_CORES works too) runs some. Exits non-zero when any run fails.
 */
import { spawnSync } from 'node:child_process';

/** The runs: name, core, the version it must be (a prefix of $wp_version), and whether a network. */
const RUNS = [
  { name: 'debian', core: 'debian', expect: '6.1.', multisite: false },
  { name: 'newest', core: 'newest', expect: '6.7-', multisite: false },
  { name: 'multisite', core: 'debian', expect: '6.1.', multisite: true },
];

const wanted = (
  process.env.E2E_RUNS ??
  process.env.E2E_WP_CORES ??
  RUNS.map((r) => r.name).join(',')
).split(',');
const unknown = wanted.filter((name) => !RUNS.some((r) => r.name === name));
if (unknown.length)
  throw new Error(
    `E2E_RUNS names no run "${unknown.join(',')}" (runs: ${RUNS.map((r) => r.name).join(', ')})`,
  );
const args = process.argv.slice(2);
const results = [];
let build = !process.env.E2E_SKIP_BUILD;
for (const { name, core, expect, multisite } of RUNS.filter((r) => wanted.includes(r.name))) {
  console.error(
    `\n[e2e] === ${name}: WordPress core "${core}" (${expect}x)${multisite ? ', multisite' : ''} ===`,
  );
  const started = Date.now();
  const run = spawnSync(
    'npx',
    ['playwright', 'test', ...(args.length ? ['--pass-with-no-tests'] : []), ...args],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        E2E_WP_CORE: core,
        E2E_WP_EXPECT_VERSION: expect,
        E2E_WP_MULTISITE: multisite ? '1' : '',
        ...(build ? {} : { E2E_SKIP_BUILD: '1' }),
      },
    },
  );
  build = false; // the first run built everything
  const seconds = Math.round((Date.now() - started) / 1000);
  results.push({ name, status: run.status ?? 1, seconds });
}
for (const { name, status, seconds } of results)
  console.error(`[e2e] ${name}: ${status === 0 ? 'passed' : 'FAILED'} in ${seconds} s`);
process.exit(results.every((r) => r.status === 0) ? 0 : 1);
