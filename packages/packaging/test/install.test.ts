/**
 * What an operator installs, without this repository: `@vip-presence/server` and
 * `@vip-presence/gc`, with the `@vip-presence/protocol` and `@vip-presence/store` they need (not on
 * the registry: packed alongside), made by `npm pack`, installed from the tarballs into an empty
 * folder outside the repository (their other dependencies from the registry, through this
 * machine's npm cache), and run with npx as the READMEs say.
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GC_VARIABLES } from '@vip-presence/gc';
import { SERVER_VARIABLES } from '@vip-presence/server';
import {
  CountsSubscriber,
  createPubSubConnection,
  createStoreConnection,
  documentedVariables,
  RedisStore,
  type PostCount,
} from '@vip-presence/store';
import { startProcess, startRedisServer, type RedisServer } from '@vip-presence/test-kit';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The packages an operator installs, in the order they depend on each other. */
const PUBLISHED = ['protocol', 'store', 'server', 'gc'] as const;
/** The executables, with the variables their code reads. */
const EXECUTABLES = [
  { bin: 'vip-presence-server', pkg: 'server', variables: SERVER_VARIABLES },
  { bin: 'vip-presence-gc', pkg: 'gc', variables: GC_VARIABLES },
] as const;

/**
 * The environment of npm and of the executables: PATH, HOME and npm's own settings of this
 * machine (its cache, CA, registry, proxies), without what `npm test` set for this workspace
 * (`npm_config_workspace`, `npm_package_*`) and without this machine's REDIS_URL and the like.
 */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const npmSetting =
    /^npm_config_(cache|cafile|userconfig|globalconfig|registry|strict_ssl|https?_proxy|proxy|noproxy)$/i;
  const kept = Object.entries(process.env).filter(
    ([key]) => key === 'PATH' || key === 'HOME' || npmSetting.test(key),
  );
  return { ...Object.fromEntries(kept), ...extra };
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (60 s at most) in `cwd`; resolves with its exit code and output. */
function run(command: string, args: string[], cwd: string, env = environment()): Promise<Ran> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * `npx <bin> <args>` in the install (`--no`: never from the registry; `--`: every argument after
 * it is the executable's, `--version` included).
 */
const npx = (args: string[]) => run('npx', ['--no', '--', ...args], app);

/**
 * Starts `npx <bin>` in the install. Between the test and the executable are npm and a shell:
 * stopping it signals the executable itself (its log lines name its pid), whose exit code then
 * comes back through them.
 */
function startNpx(bin: string, env: Record<string, string>) {
  const started = startProcess('npx', ['--no', '--', bin], {
    name: `npx ${bin}`,
    cwd: app,
    env: environment(env),
    detached: true,
  });
  return {
    started,
    async stop(): Promise<number | null> {
      const pid = Number(/"pid":(\d+)/.exec(started.output())?.[1]);
      process.kill(pid, 'SIGTERM');
      return (await started.exited).code;
    },
  };
}

/** npm with its chatter off; fails with its output unless it exits 0. */
async function npm(args: string[], cwd: string): Promise<string> {
  const flags = ['--loglevel=error', '--no-audit', '--no-fund', '--no-update-notifier'];
  const { code, stdout, stderr } = await run('npm', [...args, ...flags], cwd);
  if (code !== 0) throw new Error(`npm ${args.join(' ')} exited ${code}:\n${stderr}${stdout}`);
  return stdout;
}

interface Packed {
  name: string;
  version: string;
  filename: string;
  files: { path: string }[];
}

let work: string;
/** The empty folder the tarballs are installed into, as an operator's /opt/vip-presence. */
let app: string;
let packed: Packed[];
const installed = (pkg: string) => path.join(app, 'node_modules', '@vip-presence', pkg);
const manifestOf = (pkg: string) =>
  JSON.parse(readFileSync(path.join(installed(pkg), 'package.json'), 'utf8')) as {
    version: string;
    description: string;
    bin?: Record<string, string>;
    exports: Record<string, unknown>;
    dependencies?: Record<string, string>;
  };

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'vp-packaging-'));
  const workspaces = PUBLISHED.flatMap((pkg) => ['--workspace', `@vip-presence/${pkg}`]);
  packed = JSON.parse(
    await npm(['pack', '--json', '--pack-destination', work, ...workspaces], ROOT),
  ) as Packed[];
  app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), '{ "name": "presence-host", "private": true }\n');
  await npm(
    ['install', '--prefer-offline', ...packed.map((p) => path.join(work, p.filename))],
    app,
  );
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the published packages', () => {
  it('should pack only built modules of present sources, the README and package.json', () => {
    expect(packed.map((p) => p.name)).toEqual(PUBLISHED.map((pkg) => `@vip-presence/${pkg}`));
    for (const [i, { name, files }] of packed.entries()) {
      const folder = path.join(ROOT, 'packages', PUBLISHED[i]!);
      const paths = files.map((file) => file.path);
      expect(paths, name).toContain('README.md');
      expect(paths, name).toContain('package.json');
      const others = paths.filter((file) => !['README.md', 'package.json'].includes(file));
      // dist/ only (and the protocol's token test vectors, part of its public contract).
      expect(
        others.filter((file) => !/^(dist|test-vectors)\//.test(file)),
        name,
      ).toEqual([]);
      // No module left in dist/ by an earlier build of a source since removed.
      const stale = others
        .filter((file) => file.startsWith('dist/') && file.endsWith('.js'))
        .filter(
          (file) =>
            !existsSync(path.join(folder, file.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))),
        );
      expect(stale, name).toEqual([]);
    }
  });

  it('should install from the tarballs alone: real folders, no workspace paths, every runtime import a dependency', () => {
    const builtins = new Set(builtinModules);
    for (const pkg of PUBLISHED) {
      const folder = installed(pkg);
      expect(lstatSync(folder).isSymbolicLink(), pkg).toBe(false);
      const manifest = manifestOf(pkg);
      const dependencies = Object.entries(manifest.dependencies ?? {});
      expect(
        dependencies.filter(([, range]) => /^(file|link|workspace):/.test(range)),
        pkg,
      ).toEqual([]);
      // What `import '@vip-presence/<pkg>'` and the executables load is in the package.
      const main = (manifest.exports['.'] as { default: string }).default;
      expect(existsSync(path.join(folder, main)), `${pkg} ${main}`).toBe(true);
      for (const bin of Object.values(manifest.bin ?? {}))
        expect(readFileSync(path.join(folder, bin), 'utf8'), `${pkg} ${bin}`).toMatch(
          /^#!\/usr\/bin\/env node\n/,
        );
      // Every package a module imports is a dependency (a devDependency is not installed).
      const imported = new Set<string>();
      for (const file of readdirSync(path.join(folder, 'dist'), {
        recursive: true,
        encoding: 'utf8',
      })) {
        if (!file.endsWith('.js')) continue;
        const source = readFileSync(path.join(folder, 'dist', file), 'utf8');
        for (const [, specifier = ''] of source.matchAll(
          /(?:\bfrom|\bimport\s*\(?)\s*['"]([^'".][^'"]*)['"]/g,
        ))
          imported.add(
            specifier
              .split('/')
              .slice(0, specifier.startsWith('@') ? 2 : 1)
              .join('/'),
          );
      }
      const undeclared = [...imported].filter(
        (name) =>
          !name.startsWith('node:') &&
          !builtins.has(name) &&
          name !== `@vip-presence/${pkg}` &&
          !(name in (manifest.dependencies ?? {})),
      );
      expect(undeclared, pkg).toEqual([]);
    }
  });

  it.each(EXECUTABLES)(
    'should answer npx $bin --version, --help and an unknown argument',
    async ({ bin, pkg, variables }) => {
      const { version, description } = manifestOf(pkg);
      expect(await npx([bin, '--version'])).toEqual({
        code: 0,
        stdout: `${version}\n`,
        stderr: '',
      });

      const help = await npx([bin, '--help']);
      expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
      expect(help.stdout.startsWith(`${bin} ${version}: ${description}\n`)).toBe(true);
      // Every variable the code reads, with its default, as the installed README's table says.
      const readme = readFileSync(path.join(installed(pkg), 'README.md'), 'utf8');
      const documented = documentedVariables(readme);
      expect(documented.map((row) => row.name)).toEqual([...variables]);
      for (const row of documented) {
        expect(help.stdout).toContain(`\n  ${row.name} `);
        expect(help.stdout).toMatch(new RegExp(`\\n  ${row.name} +${escape(row.default)}\\n`));
      }
      expect(help.stdout).toContain(pathToFileURL(path.join(installed(pkg), 'README.md')).href);

      const wrong = await npx([bin, '--port=3000']);
      expect(wrong).toEqual({
        code: 2,
        stdout: '',
        stderr: expect.stringMatching(
          new RegExp(
            `^${bin}: unknown argument "--port=3000"; usage: ${bin} \\[--help \\| --version\\][^\\n]*\\n$`,
          ),
        ),
      });
    },
  );

  it('should start the server from the install on its embedded store, and serve', async () => {
    const server = startNpx('vip-presence-server', {
      PORT: '0',
      HOST: '127.0.0.1',
      PRIVATE_PORT: '0',
      DRAIN_SECONDS: '0',
      LOG_LEVEL: 'warn',
    });
    try {
      const [, url, privateUrl] = await server.started.waitForOutput(
        /"url":"(http:\/\/[^"]+)","privateUrl":"(http:\/\/[^"]+)","store":"memory"/,
        { timeoutMs: 15_000 },
      );
      const health = await fetch(`${url}/healthz`);
      expect({ status: health.status, body: await health.json() }).toEqual({
        status: 200,
        // The installed server's own version (Site Health compares it).
        body: { status: 'ok', version: manifestOf('server').version },
      });
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${privateUrl}/metrics`)).text()).toMatch(
        /^vip_presence_connections 0$/m,
      );
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  describe('the gc from the install', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis?.stop());

    it('should sweep a real redis-server: an expired reader removed and its leave announced', async () => {
      const target = { url: redis.url };
      // A reader whose lease has expired, as a node that died would leave it.
      const client = createStoreConnection(target);
      await client.connect();
      await new RedisStore(client, { viewWindowMs: 0 }).join(7, 'gone', 'dead', 1);
      client.disconnect();
      const subscriber = createPubSubConnection(target);
      let heard!: (count: PostCount) => void;
      const announced = new Promise<PostCount>((resolve) => (heard = resolve));
      await new CountsSubscriber({ subscriber, mode: 'classic', onCount: heard }).follow(7);

      const gc = startNpx('vip-presence-gc', {
        REDIS_URL: redis.url,
        GC_INTERVAL_MS: '100',
        GC_PORT: '0',
        LOG_LEVEL: 'info',
      });
      try {
        expect(await announced).toMatchObject({ postId: 7, count: 0 });
        const [, url] = await gc.started.waitForOutput(
          /"url":"(http:\/\/[^"]+)","msg":"listening"/,
        );
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
      } finally {
        subscriber.disconnect();
        expect(await gc.stop()).toBe(0);
      }
    });
  });
});

/** `text` as a literal in a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
