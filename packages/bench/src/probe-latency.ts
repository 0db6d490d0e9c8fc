/** Join-to-visible latency of the probes (scenarios B and Q), from the watchers' records. */
import type { Probe } from './messages.js';
import { summarize } from './stats.js';

/**
 * Latency of each probe until every watcher got an update with seq >= threshold(probe), from
 * the probe's emit (t0); probes no watcher saw are `missing`.
 */
function measure(probes: Probe[], records: number[][], threshold: (p: Probe) => number) {
  const samples: number[] = [];
  let missing = 0;
  for (const probe of probes) {
    if (!probe.ok) continue;
    const min = threshold(probe);
    let worst = -1;
    for (const rec of records) {
      let seen = -1;
      for (let i = 0; i + 2 < rec.length; i += 3) {
        if ((rec[i + 1] as number) < probe.t0) continue;
        if ((rec[i] as number) >= min) {
          seen = (rec[i + 1] as number) - probe.t0;
          break;
        }
      }
      if (seen < 0) {
        worst = -1;
        break;
      }
      worst = Math.max(worst, seen);
    }
    if (worst < 0) missing += 1;
    else samples.push(worst);
  }
  return { samples, missing };
}

/** Upper bound (or exact when the ack carries seq): see probeLatency. */
const ackSeq = (p: Probe) => (p.seq >= 0 ? p.seq : p.t1);

/**
 * Join-to-visible samples (ms) of probes of one post, as probeLatency measures them, so that
 * several posts' samples can be summarized together.
 */
export function probeSamples(
  probes: Probe[],
  records: number[][],
): { samples: number[]; missing: number } {
  return measure(probes, records, ackSeq);
}

/**
 * Join-to-visible latency. A probe emits its join at t0 and gets the ack at t1. The watcher (a
 * separate socket, in another process) sees the join once it receives an update whose `seq` is at
 * least the join's seq. If the ack carries `seq`, that is exact. If not, the join's seq is
 * max(previous seq + 1, Redis TIME at the join), and Redis TIME at the join is before t1 (same
 * clock, loopback), so an update with seq >= t1 reflects the join unless seq ran ahead of the
 * clock (checked: `seqAheadMs`, the most any update's seq exceeded its receipt time). Latency =
 * receipt - t0, the slowest watcher's, so a probe counts as visible when every watcher saw it.
 */
export function probeLatency(probes: Probe[], records: number[][]) {
  let seqAheadMs = -Infinity;
  for (const rec of records) {
    for (let i = 0; i + 2 < rec.length; i += 3)
      seqAheadMs = Math.max(seqAheadMs, (rec[i] as number) - (rec[i + 1] as number));
  }
  const exact = probes.filter((p) => p.ok && p.seq >= 0).length;
  const main = measure(probes, records, ackSeq);
  // Lower bound: the join's seq is at least Redis TIME at the join, which is after t0.
  const lower = measure(probes, records, (p) => p.t0);
  return {
    summary: summarize(main.samples),
    missing: main.missing,
    lowerBound: summarize(lower.samples),
    seqAheadMs: Number.isFinite(seqAheadMs) ? seqAheadMs : 0,
    method:
      exact > 0
        ? `exact (ack seq) for ${exact} probes`
        : 'upper bound: first update with seq >= ack receipt time (the ack has no seq)',
    watchers: records.length,
  };
}
