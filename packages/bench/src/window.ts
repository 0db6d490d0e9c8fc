/** What the machine did over a measured window: CPU and RSS of the bench's processes, and the rest. */
import { readFileSync } from 'node:fs';
import { cpuPercent, machineTicks, sampleProc, waitPercent, type ProcSample } from './procs.js';
import type { Profiling } from './profiling.js';
import { round, sleep } from './stats.js';

/** CPU of processes over a window, plus the whole machine's busy share (both cores = 200%). */
export class Window {
  private readonly start: Map<number, ProcSample>;
  private readonly machine = machineTicks();
  readonly startedAt = Date.now();
  /** RSS of each process, lowest and highest of the once-a-second samples. */
  private readonly rssRange: Record<string, { min: number; max: number }> = {};
  private readonly sampler: NodeJS.Timeout;

  constructor(private readonly pids: Record<string, number>) {
    this.start = new Map(Object.values(pids).map((pid) => [pid, sampleProc(pid)]));
    this.sampleRss();
    this.sampler = setInterval(() => this.sampleRss(), 1000);
    this.sampler.unref();
  }

  private sampleRss(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      let rss = 0;
      try {
        rss = sampleProc(pid).rssBytes;
      } catch {
        continue; // the process is gone (scenario C kills one)
      }
      const range = (this.rssRange[name] ??= { min: rss, max: rss });
      range.min = Math.min(range.min, rss);
      range.max = Math.max(range.max, rss);
    }
  }

  /** Ends the window; throws if one of its processes is gone (no /proc entry to read). */
  end(): WindowFigures {
    clearInterval(this.sampler);
    this.sampleRss();
    const cpu: Record<string, number> = {};
    const wait: Record<string, number> = {};
    const rss: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const a = this.start.get(pid);
      const b = sampleProc(pid);
      if (a) {
        cpu[name] = round(cpuPercent(a, b), 1);
        wait[name] = round(waitPercent(a, b), 1);
      }
      rss[name] = b.rssBytes;
    }
    const m = machineTicks();
    const machinePercent = round(
      ((m.busy - this.machine.busy) / (m.total - this.machine.total)) * 200,
      1,
    );
    // CPU of everything else on the machine (other users' jobs): the figures are trustworthy
    // only when this stays small.
    const ours = Object.values(cpu).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    const othersPercent = round(Math.max(0, machinePercent - ours), 1);
    const stealPercent = round(
      ((m.steal - this.machine.steal) / (m.total - this.machine.total)) * 200,
      1,
    );
    return {
      startedAt: new Date(this.startedAt).toISOString(),
      seconds: (Date.now() - this.startedAt) / 1000,
      stealPercent,
      cpu,
      wait,
      machinePercent,
      othersPercent,
      rss,
      rssRange: this.rssRange,
    };
  }
}

export interface WindowFigures {
  startedAt: string;
  seconds: number;
  stealPercent: number;
  /** % of one core, by the names the window was given. */
  cpu: Record<string, number>;
  /**
   * Run-queue delay of each process's main thread (its event loop), in % of the window: time it
   * was ready to run and waited for a CPU. A measuring client that waits a lot is starved.
   */
  wait: Record<string, number>;
  machinePercent: number;
  othersPercent: number;
  rss: Record<string, number>;
  rssRange: Record<string, { min: number; max: number }>;
}

/** A window of `ms` in which nothing is asked of the servers, CPU-profiled as phase `idle`. */
export async function idleWindow(
  pids: Record<string, number>,
  ms: number,
  prof: Profiling,
): Promise<WindowFigures> {
  await prof.startCpu();
  const idle = new Window(pids);
  await sleep(ms);
  const figures = idle.end();
  await prof.stopCpu('idle');
  return figures;
}

/** The machine's load averages (1, 5, 15 min), as the kernel prints them. */
export function loadavg(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}
