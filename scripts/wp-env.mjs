#!/usr/bin/env node
// Starts and stops WordPress with wp-env's Playground runtime, online or offline (no Docker, no
// wordpress.org: the core then comes from Debian's packages, see scripts/wordpress-core.sh and
// shared/notes/wp-env-offline.md). Used by scripts/start.mjs and the e2e global setup; also a CLI:
//
//   node scripts/wp-env.mjs start [--instance dev] [--port 8888] [--core auto|debian|newest|latest|PATH]
//                                 [--multisite [--site SLUG]...]
//                                     start and leave running (stop it with `stop`)
//   node scripts/wp-env.mjs run   [same options]  start, wait for Ctrl-C, stop
//   node scripts/wp-env.mjs stop  [--instance dev]
//   node scripts/wp-env.mjs status [--instance dev]
//
// Instances: "dev" (the local stack) uses the committed .wp-env.json with a generated
// .wp-env.override.json beside it, so `npx wp-env ... --runtime=playground` works by hand too. Any
// other instance (such as "e2e") gets its own generated config under .cache/wp-env/<instance>/
// (wp-env's --config), hence its own wp-env work folder, pid file and port: a test run does not
// disturb a running local stack.
//
// What each start does: builds a fresh site folder (the SQLite database lives in the core folder),
// writes the override (core path, port, per-run wp-config constants), seeds wp-env's
// "latestWordPressVersion" cache when offline, refuses a taken port, stops a Playground server an
// earlier run of the same instance left behind (by its recorded pid), runs `wp-env start`, checks
// that the server survived its blueprint, and warms it up until WordPress sees the constants.
//
// Multisite (`multisite: true`, `--multisite`): a real subdirectory network on the same host and
// port, made from the started single site the way an admin does it with Tools > Network Setup
// (network tables, the multisite constants in wp-config.php, the plugins network-activated; the
// helper plugin's POST /vip-presence-e2e/v1/network does the PHP part), then one site per slug at
// /<slug>/ (POST /vip-presence-e2e/v1/sites). Not wp-env's own "multisite" option: under the
// Playground runtime it becomes the blueprint step enableMultisite, which downloads wp-cli.phar from
// playground.wordpress.net (offline: the server exits) and refuses any URL with a port.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import dns from 'node:dns';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  CACHE_DIR,
  ROOT,
  assertPortFree,
  commandLine,
  fetchWithTimeout,
  freePort,
  isAlive,
  killProcessGroupNow,
  onTerminationSignals,
  removeTempDirs,
  run,
  stopProcessGroup,
  waitFor,
} from './lib/processes.mjs';
import { NO_AUTO_LOGIN_COOKIE, adminSession } from './lib/wp-rest.mjs';

const requireFromE2e = createRequire(path.join(ROOT, 'e2e/package.json'));
const WP_ENV_PACKAGE = requireFromE2e.resolve('@wordpress/env/package.json');
const WP_ENV_CLI = path.join(
  path.dirname(WP_ENV_PACKAGE),
  JSON.parse(readFileSync(WP_ENV_PACKAGE, 'utf8')).bin['wp-env'],
);
const CORE_SCRIPT = path.join(ROOT, 'scripts/wordpress-core.sh');
export const DEFAULT_DEV_PORT = 8888;
const HELPER_ROUTES = '/vip-presence-e2e/v1';
/** Who started the instance's server: { pid, command }, pid null for `wp-env.mjs start`. */
const OWNER_FILE = 'vip-presence-owner.json';

const md5 = (text) => createHash('md5').update(text).digest('hex');

/** wp-env's home folder, as wp-env computes it. */
function wpEnvHome() {
  if (process.env.WP_ENV_HOME) return path.resolve(process.env.WP_ENV_HOME);
  return path.resolve(os.homedir(), existsSync('/snap') ? 'wp-env' : '.wp-env');
}

/** wp-env's work folder of a config file (lib/config/load-config.js of @wordpress/env 11). */
function wpEnvWorkDir(configFile) {
  const legacy = path.join(wpEnvHome(), md5(configFile));
  if (existsSync(legacy)) return legacy;
  const base = path.basename(configFile, '.json');
  const variant = (base === '.wp-env' ? '' : base.startsWith('.wp-env.') ? base.slice(8) : base)
    .replace(/[^a-zA-Z0-9._]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const segments = [
    'wp-env',
    path.basename(path.dirname(configFile)),
    variant,
    md5(configFile).slice(0, 8),
  ];
  return path.join(wpEnvHome(), segments.filter(Boolean).join('-'));
}

/** Files and folders of one instance. */
export function instancePaths(instance = 'dev') {
  if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(instance))
    throw new Error(`bad instance name "${instance}"`);
  const own = instance === 'dev' ? ROOT : path.join(CACHE_DIR, 'wp-env', instance);
  const configFile = path.join(own, '.wp-env.json');
  return {
    instance,
    configFile,
    overrideFile: path.join(own, '.wp-env.override.json'),
    configArgs: instance === 'dev' ? [] : ['--config', configFile],
    site: path.join(CACHE_DIR, 'wp-sites', instance),
    logDir: path.join(CACHE_DIR, 'logs', instance),
    workDir: wpEnvWorkDir(configFile),
  };
}

/** Whether wordpress.org resolves (the check wp-env itself makes; no connection is opened). */
async function wordpressOrgResolves() {
  const resolver = new dns.promises.Resolver({ timeout: 2_000, tries: 1 });
  try {
    await resolver.resolve('wordpress.org');
    return true;
  } catch {
    return false;
  }
}

/** The plugin folders of the committed .wp-env.json, each with whether it holds a plugin yet. */
function committedPlugins() {
  const config = JSON.parse(readFileSync(path.join(ROOT, '.wp-env.json'), 'utf8'));
  return (config.plugins ?? []).map((source) => {
    const folder = path.resolve(ROOT, source);
    let ready = true;
    if (source.startsWith('.') || path.isAbsolute(source)) {
      ready =
        existsSync(folder) &&
        readdirSync(folder).some(
          (name) =>
            name.endsWith('.php') &&
            /^[ \t/*#@]*Plugin Name:/im.test(
              readFileSync(path.join(folder, name), 'utf8').slice(0, 8192),
            ),
        );
    }
    return { source, folder, ready };
  });
}

/** The pid recorded in a work folder, when that process is a Playground server of that folder. */
function recordedPlaygroundPid(workDir) {
  try {
    const pid = Number.parseInt(
      readFileSync(path.join(workDir, 'playground.pid'), 'utf8').trim(),
      10,
    );
    const cmd = commandLine(pid);
    if (
      isAlive(pid) &&
      cmd.includes('wp-playground') &&
      cmd.includes(path.join(workDir, 'playground-blueprint.json'))
    )
      return pid;
  } catch {
    // no pid file
  }
  return undefined;
}

/** Stops the Playground server of `workDir` (by its recorded pid) and removes its leftovers. */
async function stopRecorded(workDir, pid = recordedPlaygroundPid(workDir)) {
  if (pid) {
    await stopProcessGroup(pid, { graceMs: 5_000 });
    removeTempDirs(`node-playground-cli-site-${pid}-`);
  }
  rmSync(path.join(workDir, 'playground.pid'), { force: true });
  rmSync(path.join(workDir, OWNER_FILE), { force: true });
}

/**
 * One run per instance. When a Playground server of `instance` runs: if the run that started it is
 * gone (killed with -9), stops it; if that run is alive, or it was started by `wp-env.mjs start`,
 * throws (it keeps its server).
 * @param {{ instance?: string, log?: (line: string) => void }} [options]
 */
export async function reapStaleWordPress({
  instance = 'dev',
  log = (line) => console.error(line),
} = {}) {
  const paths = instancePaths(instance);
  const ownerFile = path.join(paths.workDir, OWNER_FILE);
  const stale = recordedPlaygroundPid(paths.workDir);
  if (stale) {
    /** @type {{ pid?: number | null, command?: string }} */
    let owner = {};
    try {
      owner = JSON.parse(readFileSync(ownerFile, 'utf8'));
    } catch {
      // started by hand (npx wp-env) or by an older script: treat as left behind
    }
    if (owner.pid === null) {
      throw new Error(
        `WordPress "${instance}" is already running (pid ${stale}, started by \`wp-env.mjs start\`); ` +
          `stop it with: node scripts/wp-env.mjs stop --instance ${instance}`,
      );
    }
    if (
      owner.pid &&
      owner.pid !== process.pid &&
      isAlive(owner.pid) &&
      commandLine(owner.pid) === owner.command
    ) {
      throw new Error(
        `WordPress "${instance}" is already in use by pid ${owner.pid} (${owner.command}); stop that first`,
      );
    }
    log(
      `wp-env: stopping the WordPress (pid ${stale}) an earlier run of "${instance}" left running`,
    );
    await stopRecorded(paths.workDir, stale);
  }
}

/**
 * Starts WordPress for `instance`.
 * @param {{
 *   instance?: string,
 *   port?: number,
 *   core?: string,
 *   config?: Record<string, string | number | boolean>,
 *   timeoutMs?: number,
 *   keepRunning?: boolean,
 *   multisite?: boolean,
 *   sites?: string[],
 *   log?: (line: string) => void,
 * }} [options]
 *   `core`: "auto" (default; VIP_PRESENCE_WP_CORE): Debian's WordPress when wordpress.org does not
 *   resolve, else wp-env's default (latest); "debian" (6.1, the oldest the plugin claims); "newest"
 *   (the newest that installs offline: Playground's build, `wordpress-core.sh --newest`); "latest";
 *   or a path to a WordPress folder.
 *   `config`: wp-config constants for this run (merged over .wp-env.json's).
 *   `keepRunning`: do not stop WordPress when this process exits.
 *   `multisite`: make it a subdirectory network (see the top of this file), with a site for each
 *   slug of `sites` at <url>/<slug>/; the result's `sites` lists the main site, then those.
 */
export async function startWordPress({
  instance = 'dev',
  port,
  core = process.env.VIP_PRESENCE_WP_CORE || 'auto',
  config = {},
  timeoutMs = 180_000,
  keepRunning = false,
  multisite = false,
  sites = [],
  log = (line) => console.error(line),
} = {}) {
  const started = Date.now();
  if (sites.length && !multisite) throw new Error('sites need multisite: true');
  const paths = instancePaths(instance);
  mkdirSync(paths.logDir, { recursive: true });

  // 1. One run per instance (see reapStaleWordPress).
  await reapStaleWordPress({ instance, log });
  const ownerFile = path.join(paths.workDir, OWNER_FILE);
  mkdirSync(paths.workDir, { recursive: true });
  writeFileSync(
    ownerFile,
    JSON.stringify({ pid: keepRunning ? null : process.pid, command: commandLine(process.pid) }),
  );

  // 2. Port.
  const envPort = Number.parseInt(process.env.WP_ENV_PORT ?? '', 10) || undefined;
  const wpPort = port ?? (instance === 'dev' ? (envPort ?? DEFAULT_DEV_PORT) : await freePort());
  await assertPortFree(
    wpPort,
    `WordPress "${instance}"`,
    instance === 'dev' ? 'WP_PORT' : undefined,
  );
  const url = `http://localhost:${wpPort}`;

  // 3. Core: a fresh site folder per run.
  let coreKind = core;
  if (coreKind === 'auto') coreKind = (await wordpressOrgResolves()) ? 'latest' : 'debian';
  let sitePath;
  let wordpressVersion;
  /** The plugin's site key of the (main) site, as the helper plugin reports it. */
  let siteKey;
  if (coreKind !== 'latest') {
    if (coreKind === 'debian' || coreKind === 'newest') {
      const which = coreKind === 'newest' ? ['--newest'] : [];
      await run('bash', [CORE_SCRIPT, ...which, '--copy', paths.site], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeoutMs: 900_000,
      });
    } else {
      const source = path.resolve(coreKind);
      if (!existsSync(path.join(source, 'wp-includes/version.php')))
        throw new Error(`no WordPress core in ${source}`);
      rmSync(paths.site, { recursive: true, force: true });
      await run('cp', ['-a', source, paths.site], { stdio: 'inherit', timeoutMs: 300_000 });
    }
    sitePath = paths.site;
    const versionPhp = readFileSync(path.join(sitePath, 'wp-includes/version.php'), 'utf8');
    wordpressVersion = /\$wp_version = '([^']+)'/.exec(versionPhp)?.[1];
  }

  // 4. Config, override and wp-env's version cache.
  const plugins = committedPlugins();
  for (const plugin of plugins.filter((p) => !p.ready)) {
    log(
      `wp-env: WARNING: ${plugin.source} holds no plugin yet (no PHP file with a "Plugin Name:" header); starting without it`,
    );
  }
  const override = {
    port: wpPort,
    ...(sitePath ? { core: sitePath } : {}),
    ...(plugins.some((p) => !p.ready)
      ? { plugins: plugins.filter((p) => p.ready).map((p) => p.folder) }
      : {}),
    config: {
      ...config,
      ...(coreKind === 'debian' || coreKind === 'newest' ? { VIP_PRESENCE_E2E_OFFLINE: true } : {}),
    },
  };
  if (instance !== 'dev') {
    // A copy of the committed config with absolute paths (wp-env resolves them against its cwd).
    const committed = JSON.parse(readFileSync(path.join(ROOT, '.wp-env.json'), 'utf8'));
    const absolute = (source) => (source.startsWith('.') ? path.resolve(ROOT, source) : source);
    committed.plugins = (committed.plugins ?? []).map(absolute);
    if (committed.themes) committed.themes = committed.themes.map(absolute);
    if (committed.mappings) {
      committed.mappings = Object.fromEntries(
        Object.entries(committed.mappings).map(([k, v]) => [k, absolute(v)]),
      );
    }
    mkdirSync(path.dirname(paths.configFile), { recursive: true });
    writeFileSync(paths.configFile, `${JSON.stringify(committed, null, 2)}\n`);
  }
  writeFileSync(paths.overrideFile, `${JSON.stringify(override, null, 2)}\n`);
  if (sitePath) {
    const cacheFile = path.join(paths.workDir, 'wp-env-cache.json');
    let cache = {};
    try {
      cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
    } catch {
      // none yet
    }
    if (!cache.latestWordPressVersion) {
      mkdirSync(paths.workDir, { recursive: true });
      writeFileSync(
        cacheFile,
        JSON.stringify({ ...cache, latestWordPressVersion: wordpressVersion ?? '6.1.9' }),
      );
    }
  }

  // 5. wp-env start (it spawns the Playground server detached and records its pid).
  const wpEnvLog = path.join(paths.logDir, 'wp-env.log');
  const env = { ...process.env, FORCE_COLOR: '0' };
  delete env.WP_ENV_PORT;
  delete env.WP_ENV_CORE;
  const stopNow = () => {
    const running = recordedPlaygroundPid(paths.workDir);
    if (!running) return;
    killProcessGroupNow(running);
    removeTempDirs(`node-playground-cli-site-${running}-`);
  };
  if (!keepRunning) process.on('exit', stopNow);
  let pid;
  let wpEnvSeconds = 0;
  let networkSeconds = 0;
  /** @type {{ slug: string, id: number, url: string }[]} */
  let networkSites = [];
  const wpEnvStarted = Date.now();
  try {
    await runLogged(
      process.execPath,
      [WP_ENV_CLI, 'start', '--runtime=playground', ...paths.configArgs],
      {
        env,
        logFile: wpEnvLog,
        timeoutMs,
      },
    );
    pid = recordedPlaygroundPid(paths.workDir);
    const playgroundLog = path.join(paths.workDir, 'playground.log');
    const output = existsSync(playgroundLog) ? readFileSync(playgroundLog, 'utf8') : '';
    // wp-env reports success even when the blueprint failed and the server went away.
    if (!pid || /Error when executing the blueprint step/.test(output)) {
      throw new Error(
        `the Playground server did not survive its start; its log (${playgroundLog}):\n${output.slice(-3000)}`,
      );
    }

    wpEnvSeconds = (Date.now() - wpEnvStarted) / 1000;

    // 6. Warm-up: the first requests may not see the config constants yet.
    const expected = override.config;
    let seen = 0;
    await waitFor(
      async () => {
        const status = await siteStatus(url, pid, log);
        const constants = status.constants ?? {};
        const ok =
          (!('VIP_PRESENCE_SERVER_URL' in expected) ||
            constants.VIP_PRESENCE_SERVER_URL === expected.VIP_PRESENCE_SERVER_URL) &&
          (!('VIP_PRESENCE_SECRET' in expected) ||
            constants.VIP_PRESENCE_SECRET === Boolean(expected.VIP_PRESENCE_SECRET));
        if (!ok)
          throw new Error(`WordPress does not see the constants yet: ${JSON.stringify(constants)}`);
        const active = /** @type {string[]} */ (status.plugins ?? []);
        const inactive = plugins.filter(
          (p) => p.ready && !active.some((file) => file.startsWith(`${path.basename(p.folder)}/`)),
        );
        if (inactive.length)
          throw new Error(`plugins not active yet: ${inactive.map((p) => p.source).join(', ')}`);
        wordpressVersion = status.wordpress;
        siteKey = status.siteKey ?? undefined;
        seen += 1;
        return seen >= 2; // two good answers in a row
      },
      { timeoutMs: 60_000, intervalMs: 200, what: `WordPress at ${url} to see its configuration` },
    );

    // 7. Multisite: the network, then its sites.
    if (multisite) {
      const networkStarted = Date.now();
      networkSites = await makeNetwork(url, {
        pid,
        plugins: plugins.filter((p) => p.ready).map((p) => path.basename(p.folder)),
        sites,
        log,
      });
      networkSeconds = (Date.now() - networkStarted) / 1000;
    }
  } catch (error) {
    await stopRecorded(paths.workDir, pid ?? recordedPlaygroundPid(paths.workDir));
    process.off('exit', stopNow);
    const detail = existsSync(wpEnvLog)
      ? `\nwp-env output (${wpEnvLog}):\n${readFileSync(wpEnvLog, 'utf8').slice(-2000)}`
      : '';
    throw new Error(
      `WordPress "${instance}" did not start: ${error instanceof Error ? error.message : error}${detail}`,
    );
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(
    `wp-env: WordPress ${wordpressVersion ?? ''} "${instance}" up at ${url} in ${seconds} s ` +
      `(wp-env start ${wpEnvSeconds.toFixed(1)} s; pid ${pid}; ${coreKind} core)` +
      (multisite
        ? `; a network of ${networkSites.length} sites (${networkSeconds.toFixed(1)} s): ` +
          networkSites.map((site) => site.url).join(' ')
        : ''),
  );
  let stopped = false;
  return {
    instance,
    url,
    port: wpPort,
    pid,
    wordpressVersion,
    siteKey,
    core: coreKind,
    workDir: paths.workDir,
    logFile: path.join(paths.workDir, 'playground.log'),
    startSeconds: Number(seconds),
    multisite,
    /** Multisite: the main site, then one per slug of `sites`. */
    sites: networkSites,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopRecorded(paths.workDir, pid);
      process.off('exit', stopNow);
    },
  };
}

/**
 * The helper plugin's status of the site at `siteUrl` (a site of a network: its own URL), asked
 * as an anonymous client.
 * @param {string} siteUrl
 * @param {number | undefined} pid the Playground server (a dead one fails at once)
 * @param {(line: string) => void} log
 */
async function siteStatus(siteUrl, pid, log) {
  if (pid && !isAlive(pid)) throw new Error('the Playground server exited');
  const requestStarted = Date.now();
  const statusUrl = new URL(
    `wp-json${HELPER_ROUTES}/status`,
    siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`,
  );
  const response = await fetchWithTimeout(
    statusUrl,
    { headers: { cookie: NO_AUTO_LOGIN_COOKIE } },
    15_000,
  );
  if (process.env.VIP_PRESENCE_DEBUG)
    log(`wp-env: status request: ${response.status} in ${Date.now() - requestStarted} ms`);
  if (!response.ok) throw new Error(`${statusUrl.pathname} answered ${response.status}`);
  return response.json();
}

/**
 * Makes the single site at `url` the main site of a subdirectory network and adds a site per slug
 * (the helper plugin's routes; see the top of this file). Resolves the network's sites, the main
 * site first, each checked to answer as itself with `plugins` active.
 * @param {string} url
 * @param {{ pid: number, plugins: string[], sites: string[], log: (line: string) => void }} options
 *   `plugins`: folder names of the plugins that must be network-active
 */
async function makeNetwork(url, { pid, plugins, sites, log }) {
  // An admin session as soon as the auto-login works (the first requests may still miss it).
  const session = () =>
    waitFor(
      async () => {
        if (!isAlive(pid)) throw new Error('the Playground server exited');
        return adminSession(url, { timeoutMs: 15_000 });
      },
      { timeoutMs: 60_000, intervalMs: 200, what: `an admin session on ${url}` },
    );
  const networkActive = (status) =>
    plugins.every((folder) =>
      (status.networkPlugins ?? []).some((file) => file.startsWith(`${folder}/`)),
    );

  // 1. Network tables and wp-config.php constants, then WordPress loads as a network.
  const first = await (await session()).rest('POST', `${HELPER_ROUTES}/network`);
  if (!first.converted && !first.multisite)
    throw new Error(`the network was not made: ${JSON.stringify(first)}`);
  let seen = 0;
  await waitFor(
    async () => {
      const status = await siteStatus(url, pid, log);
      if (!status.multisite) throw new Error('WordPress does not load as a network yet');
      seen += 1;
      return seen >= 2;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `WordPress at ${url} to load as a network` },
  );

  // 2. The main site's plugins network-activated; the sites.
  const admin = await session();
  const activated = await admin.rest('POST', `${HELPER_ROUTES}/network`);
  if (!networkActive(activated))
    throw new Error(`plugins not network-active: ${JSON.stringify(activated)}`);
  const result = [{ slug: '', id: 1, url: `${url}/` }];
  for (const slug of sites) {
    const site = await admin.rest('POST', `${HELPER_ROUTES}/sites`, {
      slug,
      title: `Site ${slug}`,
    });
    result.push({ slug, id: site.id, url: site.url });
  }

  // 3. Each site answers as itself, on the network, with the plugins active.
  for (const site of result) {
    const status = await siteStatus(site.url, pid, log);
    if (
      !status.multisite ||
      status.blogId !== site.id ||
      status.home !== site.url ||
      !networkActive(status)
    )
      throw new Error(`site ${site.url} is not what it should be: ${JSON.stringify(status)}`);
  }
  log(
    `wp-env: network at ${url}: ${result.map((site) => `${site.url} (id ${site.id})`).join(', ')}`,
  );
  return result;
}

/** Stops WordPress of `instance` if one runs (by the pid wp-env recorded). */
export async function stopWordPress({ instance = 'dev' } = {}) {
  const { workDir } = instancePaths(instance);
  const pid = recordedPlaygroundPid(workDir);
  await stopRecorded(workDir, pid);
  return pid;
}

/** Runs a command with its output in `logFile`; rejects on failure or after `timeoutMs`. */
function runLogged(command, args, { env, logFile, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wp-env start did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      process.off('exit', killOnExit);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      process.off('exit', killOnExit);
      writeFileSync(logFile, Buffer.concat(chunks));
      if (code === 0) resolve(undefined);
      else reject(new Error(`wp-env start failed (exit code ${code})`));
    });
  });
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      instance: { type: 'string', default: 'dev' },
      port: { type: 'string' },
      core: { type: 'string' },
      multisite: { type: 'boolean', default: false },
      site: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'help';
  if (values.help || command === 'help') {
    console.log(
      readFileSync(new URL(import.meta.url), 'utf8')
        .split('\n')
        .slice(1, 12)
        .map((line) => line.replace(/^\/\/ ?/, ''))
        .join('\n'),
    );
    return;
  }
  const instance = values.instance;
  if (command === 'stop') {
    const pid = await stopWordPress({ instance });
    console.log(
      pid
        ? `stopped WordPress "${instance}" (pid ${pid})`
        : `WordPress "${instance}" was not running`,
    );
    return;
  }
  if (command === 'status') {
    const { workDir } = instancePaths(instance);
    const pid = recordedPlaygroundPid(workDir);
    console.log(
      pid
        ? `WordPress "${instance}" runs (pid ${pid}, work folder ${workDir})`
        : `WordPress "${instance}" is not running`,
    );
    return;
  }
  if (command !== 'start' && command !== 'run')
    throw new Error(`unknown command "${command}" (start, run, stop, status)`);
  const { localSecret } = await import('./lib/secret.mjs');
  const serverPort = Number.parseInt(process.env.PORT ?? '', 10) || 3000;
  const wordpress = await startWordPress({
    instance,
    port: values.port ? Number.parseInt(values.port, 10) : undefined,
    core: values.core ?? process.env.VIP_PRESENCE_WP_CORE ?? 'auto',
    config: {
      VIP_PRESENCE_SERVER_URL: `http://localhost:${serverPort}`,
      VIP_PRESENCE_SECRET: localSecret(),
    },
    keepRunning: command === 'start',
    multisite: values.multisite,
    sites: values.site,
  });
  console.log(wordpress.url);
  for (const site of wordpress.sites.slice(1)) console.log(site.url);
  if (command === 'run') {
    onTerminationSignals(() => wordpress.stop());
    console.error('Press Ctrl-C to stop WordPress.');
    await new Promise(() => {});
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
