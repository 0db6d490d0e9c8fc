import { expect } from 'vitest';
import { connectClient } from './clients.js';
import { runToExit, SERVER_CLI } from './processes.js';

/** The ACL rules docs/deployment.md gives the user of vip-presence (KEY_PREFIX "vp"). */
export const APP_RULES = ['~vp*', '&*', '+@all', '-@dangerous', '+info'];

/**
 * A viewer joins `postId` on the first node; a reader on each other node sees the count 1; every
 * node is ready.
 */
export async function expectCountsAcrossNodes(urls: string[], postId: number): Promise<void> {
  const [first, ...others] = urls;
  const readers = await Promise.all(others.map((url) => connectClient(url)));
  for (const reader of readers) await reader.request('presence:watch', { postIds: [postId] });
  const viewer = await connectClient(first!);
  expect(await viewer.request('presence:join', { postId })).toMatchObject({ ok: true, count: 1 });
  await Promise.all(readers.map((reader) => reader.waitForCount(postId, (c) => c.count === 1)));
  for (const url of urls) expect((await fetch(`${url}/readyz`)).status).toBe(200);
}

/** Runs the server executable to its exit: exit 1, and one line (no stack trace) matching `line`. */
export async function expectRefusedAtStart(
  env: Record<string, string>,
  line: RegExp,
): Promise<void> {
  const { code, output } = await runToExit(SERVER_CLI, {
    PORT: '0',
    HOST: '127.0.0.1',
    PRIVATE_PORT: '0',
    ...env,
  });
  expect({ code, output }).toEqual({ code: 1, output: expect.stringMatching(/^[^\n]+\n$/) });
  expect(output).toMatch(line);
}
