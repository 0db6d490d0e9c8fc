// Bounded waits: for a condition, a listening port, an HTTP answer or a line of output. Every wait
// ends by its deadline with a message naming what it waited for and the last error seen, or at
// once when its `signal` aborts (a started process aborts its `exitSignal` when it exits).
import http from 'node:http';
import net from 'node:net';

/**
 * @typedef {object} WaitOptions
 * @property {number} [timeoutMs=10000] How long to wait at most.
 * @property {number} [intervalMs=50] Time between two checks.
 * @property {string} [what="condition"] What is awaited, for the timeout's message.
 * @property {AbortSignal} [signal] Gives up at once when aborted, rejecting with its reason.
 */

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(/** @type {number} */ ms, /** @type {AbortSignal | undefined} */ signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve(undefined);
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** What a check cut short by the deadline fails with (unless an earlier check said more). */
const STILL_RUNNING = new Error('the last check was still running');

/**
 * `promise`, or a rejection once `deadline` (a Date.now() value) has passed or `signal` aborts.
 * @param {Promise<unknown>} promise
 * @param {number} deadline
 * @param {AbortSignal | undefined} signal
 */
function settleBy(promise, deadline, signal) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  /** @type {() => void} */
  let onAbort = () => undefined;
  const cut = new Promise((_, reject) => {
    timer = setTimeout(() => reject(STILL_RUNNING), Math.max(0, deadline - Date.now()));
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, cut]).finally(() => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  });
}

/**
 * Checks `check` until it returns a truthy value (returned), every `intervalMs`, for at most
 * `timeoutMs`. `check` may throw to mean "not yet"; the timeout's message names the last error.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {WaitOptions} [options]
 * @returns {Promise<Exclude<Awaited<T>, false | 0 | '' | null | undefined>>}
 */
export async function waitFor(
  check,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition', signal } = {},
) {
  const deadline = Date.now() + timeoutMs;
  /** @type {unknown} */
  let lastError;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const value = await settleBy(Promise.resolve().then(check), deadline, signal);
      if (value)
        return /** @type {Exclude<Awaited<T>, false | 0 | '' | null | undefined>} */ (value);
    } catch (error) {
      if (error !== STILL_RUNNING || lastError === undefined) lastError = error;
    }
    signal?.throwIfAborted();
    const left = deadline - Date.now();
    if (left <= 0) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${reason}`);
    }
    await pause(Math.min(intervalMs, left), signal);
  }
}

/**
 * Waits until a TCP connection to `host:port` succeeds.
 * @param {number} port
 * @param {WaitOptions & { host?: string }} [options] `host`: default "127.0.0.1"
 * @returns {Promise<void>}
 */
export async function waitForPort(port, { host = '127.0.0.1', ...options } = {}) {
  await waitFor(
    () =>
      new Promise((resolve, reject) => {
        const socket = net.connect({ port, host });
        socket.setTimeout(1_000, () => socket.destroy(new Error(`connect to ${port} timed out`)));
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', reject);
      }),
    { what: `a listener on ${host}:${port}`, ...options },
  );
}

/**
 * One GET without keep-alive (a readiness probe leaves no idle connection behind).
 * @param {string} url
 * @param {number} timeoutMs
 * @returns {Promise<{ status: number, body: string }>}
 */
function get(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.once('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.once('error', reject);
  });
}

/**
 * Waits until GET `url` answers with an accepted status (2xx by default); returns that answer.
 * @param {string} url
 * @param {WaitOptions & { accept?: (status: number) => boolean, requestTimeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, body: string }>}
 */
export function waitForHttp(
  url,
  { accept = (status) => status >= 200 && status < 300, requestTimeoutMs = 2_000, ...options } = {},
) {
  return waitFor(
    async () => {
      const answer = await get(url, requestTimeoutMs);
      if (!accept(answer.status)) throw new Error(`GET ${url} answered ${answer.status}`);
      return answer;
    },
    { what: `GET ${url}`, ...options },
  );
}

/**
 * Waits until the text `read()` returns (a process's output) matches `pattern`; returns the
 * match. The timeout's message carries the end of that text.
 * @param {() => string} read
 * @param {RegExp | string} pattern
 * @param {WaitOptions} [options]
 * @returns {Promise<RegExpExecArray>}
 */
export async function waitForLine(read, pattern, options = {}) {
  const regex =
    typeof pattern === 'string'
      ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  try {
    return await waitFor(() => regex.exec(read()), {
      what: `output matching ${regex}`,
      ...options,
    });
  } catch (error) {
    if (options.signal?.aborted || !(error instanceof Error)) throw error;
    throw new Error(`${error.message}; the output so far ends with:\n${read().slice(-2_000)}`, {
      cause: error,
    });
  }
}
