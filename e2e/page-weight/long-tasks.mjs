#!/usr/bin/env node
/*
 * What each long task of a Lighthouse run did: `node page-weight/long-tasks.mjs TRACE...`, on the
 * traces `page-weight.mjs --traces DIR` keeps. Lighthouse's "long tasks" (mobile preset) are the
 * page's top-level tasks that last 50 ms or more once multiplied by its simulated CPU slowdown (4x;
 * 2x for a task that lays out), and each is blamed on the first script URL in its attributable
 * URLs that is a script's (else the first at all: the page's). A task with no URL of its own, such
 * as a lone layout, inherits the URLs of the task before it, so a script can be blamed for the
 * browser's work that follows it, and a task that runs several scripts (the parser's, or the one
 * that runs the deferred scripts) is blamed on the first of them. This prints, per trace,
 * every top-level task whose slowed-down length passes --ms (default 40; only those with a URL
 * containing --url, if given), with the URL it is blamed on, why (its own events or inherited),
 * and its longest events.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MainThreadTasks } from 'lighthouse/core/lib/tracehouse/main-thread-tasks.js';
import { TraceProcessor } from 'lighthouse/core/lib/tracehouse/trace-processor.js';

const CPU_SLOWDOWN = 4;
const LAYOUT_SLOWDOWN = CPU_SLOWDOWN * 0.5;

const { values: options, positionals: files } = parseArgs({
  options: { ms: { type: 'string', default: '40' }, url: { type: 'string', default: '' } },
  allowPositionals: true,
});
const threshold = Number(options.ms);

/** Whether Lantern would treat the task as one that laid out (its cheaper multiplier). */
const didLayout = (task) =>
  task.event.name === 'Layout' || task.children.some((child) => didLayout(child));

/** The task's own events, longest first, as "name url duration". */
function longestEvents(task, count = 6) {
  const all = [];
  const visit = (node, depth) => {
    if (depth > 0) all.push(node);
    node.children.forEach((child) => visit(child, depth + 1));
  };
  visit(task, 0);
  return all
    .sort((a, b) => b.selfTime - a.selfTime)
    .slice(0, count)
    .map((node) => {
      const data = { ...(node.event.args?.beginData ?? {}), ...(node.event.args?.data ?? {}) };
      const url = data.url ? ` ${path.basename(data.url.replace(/\?.*$/, ''))}` : '';
      const fn = data.functionName ? ` ${data.functionName}` : '';
      return `${node.event.name}${url}${fn} ${node.selfTime.toFixed(1)}`;
    });
}

for (const file of files) {
  const trace = JSON.parse(readFileSync(file, 'utf8'));
  const processed = TraceProcessor.processTrace(trace);
  const tasks = MainThreadTasks.getMainThreadTasks(
    processed.mainThreadEvents,
    processed.frames,
    processed.timestamps.traceEnd,
    processed.timestamps.timeOrigin,
  );
  console.log(path.basename(file));
  for (const task of tasks) {
    if (task.parent) continue;
    const slowed = task.duration * (didLayout(task) ? LAYOUT_SLOWDOWN : CPU_SLOWDOWN);
    if (slowed < threshold) continue;
    if (options.url && !task.attributableURLs.some((url) => url.includes(options.url))) continue;
    const own = new Set();
    const collect = (node) => {
      const data = { ...(node.event.args?.beginData ?? {}), ...(node.event.args?.data ?? {}) };
      if (data.url) own.add(data.url);
      (data.stackTrace ?? []).forEach((frame) => frame.url && own.add(frame.url));
      node.children.forEach(collect);
    };
    collect(task);
    // Lighthouse takes the first URL of a script the page loaded, else the first URL at all.
    const blamed =
      task.attributableURLs.find((url) => /\.m?js(\?|$)/.test(url)) ??
      task.attributableURLs[0] ??
      '(none)';
    const why = own.has(blamed) ? 'own' : 'inherited';
    console.log(
      `  at ${task.startTime.toFixed(0)} ms: ${task.duration.toFixed(1)} ms observed, ~${slowed.toFixed(0)} ms slowed, ${task.event.name}, blamed on ${path.basename(blamed.replace(/\?.*$/, ''))} (${why})`,
    );
    console.log(`    ${longestEvents(task).join(' | ')}`);
  }
}
