// Asking a running redis-server something from the outside, with redis-cli (Debian's redis-tools).
import { runToExit } from './child-process.js';

/**
 * Runs `redis-cli -h host -p port ...args`; resolves with what it printed (raw replies, one per
 * line). Rejects when redis-cli fails (nothing listens) or runs past `timeoutMs`.
 * @param {number} port
 * @param {string[]} args
 * @param {{ host?: string, timeoutMs?: number }} [options]
 * @returns {Promise<string>}
 */
export async function redisCli(port, args, { host = '127.0.0.1', timeoutMs = 5_000 } = {}) {
  const { code, output } = await runToExit('redis-cli', ['-h', host, '-p', String(port), ...args], {
    timeoutMs,
  });
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
 */
export async function redisInfo(port, section) {
  return fields(await redisCli(port, ['info', section]));
}

/**
 * `CLUSTER INFO` of the cluster node on `port`, as key -> value.
 * @param {number} port
 */
export async function clusterInfo(port) {
  return fields(await redisCli(port, ['cluster', 'info']));
}
