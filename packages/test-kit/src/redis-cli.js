// Asking a running redis-server something from the outside, with redis-cli (Debian's redis-tools).
import { runToExit } from './child-process.js';

/**
 * How to get in to a redis-server that asks for it: an ACL user and password, and TLS with the
 * CA that signed its certificate.
 * @typedef {object} RedisAccess
 * @property {string} [user] ACL user. Default: `default` (the user of `requirepass`).
 * @property {string} [password]
 * @property {{ caFile: string, servername?: string }} [tls] TLS, trusting `caFile`; `servername`
 *   the name to ask for (SNI).
 */

/**
 * @typedef {object} RedisCliOptions
 * @property {string} [host="127.0.0.1"]
 * @property {number} [timeoutMs=5000]
 * @property {RedisAccess} [access] Credentials and TLS, when the server asks for them.
 */

/**
 * redis-cli's arguments for `access`.
 * @param {RedisAccess} [access]
 * @returns {string[]}
 */
export function redisCliAccessArgs(access = {}) {
  const { user, password, tls } = access;
  return [
    ...(user !== undefined ? ['--user', user] : []),
    ...(password !== undefined ? ['--pass', password, '--no-auth-warning'] : []),
    ...(tls ? ['--tls', '--cacert', tls.caFile] : []),
    ...(tls?.servername ? ['--sni', tls.servername] : []),
  ];
}

/**
 * Runs `redis-cli -h host -p port ...args`; resolves with what it printed (raw replies, one per
 * line). Rejects when redis-cli fails (nothing listens) or runs past `timeoutMs`.
 * @param {number} port
 * @param {string[]} args
 * @param {RedisCliOptions} [options]
 * @returns {Promise<string>}
 */
export async function redisCli(port, args, { host = '127.0.0.1', timeoutMs = 5_000, access } = {}) {
  const { code, output } = await runToExit(
    'redis-cli',
    ['-h', host, '-p', String(port), ...redisCliAccessArgs(access), ...args],
    { timeoutMs },
  );
  if (code !== 0) throw new Error(`redis-cli -p ${port} ${args.join(' ')}: ${output.trim()}`);
  return output;
}

/**
 * "key:value" lines (INFO, CLUSTER INFO) as an object.
 * @param {string} text
 * @returns {Record<string, string>}
 */
function fields(text) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

/**
 * `INFO <section>` of the redis-server on `port`, as key -> value.
 * @param {number} port
 * @param {string} section
 * @param {RedisAccess} [access]
 */
export async function redisInfo(port, section, access) {
  return fields(await redisCli(port, ['info', section], { access }));
}

/**
 * `CLUSTER INFO` of the cluster node on `port`, as key -> value.
 * @param {number} port
 * @param {RedisAccess} [access]
 */
export async function clusterInfo(port, access) {
  return fields(await redisCli(port, ['cluster', 'info'], { access }));
}
