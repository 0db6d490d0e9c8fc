// Processes known by their id (started by us or by someone else, such as wp-env's Playground
// server): whether they live, their command line, and stopping a whole process group.
import { readFileSync, readdirSync } from 'node:fs';
import { waitFor } from './wait-for.js';

/**
 * Whether `pid` is a live process (not a zombie).
 * @param {number | undefined} pid
 */
export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
  // No /proc (not Linux): kill(0) said it is there.
  return (procStat(pid)?.state ?? 'R') !== 'Z';
}

/**
 * The command line of `pid`, or '' when unknown.
 * @param {number} pid
 */
export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/**
 * Sends `signal` to the process group led by `pid` when `group` (falling back to `pid` alone when
 * it leads none), else to `pid`. Returns whether a process got it.
 * @param {number} pid
 * @param {NodeJS.Signals} signal
 * @param {boolean} [group]
 */
export function signalProcess(pid, signal, group = true) {
  if (group) {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      // no such group: the process alone
    }
  }
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * State and process group of `pid` from /proc/<pid>/stat, or undefined when it is gone.
 * @param {string | number} pid
 */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], group: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/**
 * Whether a live (not zombie) member of the process group led by `pid`, or `pid` itself, is left.
 * @param {number} pid
 */
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
  } catch {
    return isAlive(pid);
  }
  // kill(0) counts zombies too, and an init may be slow to reap them: ask /proc for a live member.
  let names;
  try {
    names = readdirSync('/proc');
  } catch {
    return true; // no /proc (not Linux): kill(0) said the group is there
  }
  return names.some((name) => {
    if (!/^\d+$/.test(name)) return false;
    const stat = procStat(name);
    return stat?.group === pid && stat.state !== 'Z';
  });
}

/**
 * Stops the process group led by `pid` (and `pid` itself): `signal`, then SIGKILL after
 * `graceMs`. Resolves once nothing of it is left (or 3 s after the SIGKILL).
 * @param {number | undefined} pid
 * @param {{ graceMs?: number, signal?: NodeJS.Signals }} [options]
 */
export async function stopProcessGroup(pid, { graceMs = 5_000, signal = 'SIGTERM' } = {}) {
  if (!pid || !groupAlive(pid)) return;
  const gone = (/** @type {number} */ timeoutMs) =>
    waitFor(() => !groupAlive(pid), { timeoutMs, what: `process group ${pid} to end` }).then(
      () => true,
      () => false,
    );
  signalProcess(pid, signal);
  if (await gone(graceMs)) return;
  signalProcess(pid, 'SIGKILL');
  await gone(3_000);
}

/**
 * Synchronous last resort (process 'exit' handlers): SIGKILL the group of `pid`.
 * @param {number | undefined} pid
 */
export function killProcessGroupNow(pid) {
  if (pid && groupAlive(pid)) signalProcess(pid, 'SIGKILL');
}
