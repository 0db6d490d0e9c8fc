/** The V8 inspector of a bench server (started with `--inspect`): memory and profiles. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { MB } from './format.js';
import { httpGet, PROFILE_DIR } from './procs.js';
import type { CpuProfile, HeapProfile } from './profiles.js';

/**
 * The V8 inspector of a server started with `--inspect` (bench only): forces a full GC, reads
 * process.memoryUsage(), and records CPU or heap-allocation profiles of chosen windows.
 */
export class Inspector {
  private nextId = 1;
  private constructor(private readonly ws: WebSocket) {}

  static async connect(inspectPort: number): Promise<Inspector> {
    const { body } = await httpGet(`http://127.0.0.1:${inspectPort}/json/list`);
    const target = (JSON.parse(body) as { webSocketDebuggerUrl?: string }[])[0];
    if (!target?.webSocketDebuggerUrl) throw new Error('no inspector target');
    const ws = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 1024 * MB });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Inspector(ws);
  }

  send<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.ws.off('message', onMessage);
        reject(new Error(`inspector ${method} timed out`));
      }, timeoutMs);
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as {
          id?: number;
          result?: unknown;
          error?: unknown;
        };
        if (message.id !== id) return;
        clearTimeout(timer);
        this.ws.off('message', onMessage);
        if (message.error) reject(new Error(JSON.stringify(message.error)));
        else resolve(message.result as T);
      };
      this.ws.on('message', onMessage);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  async collectGarbage(): Promise<void> {
    // Twice: the first pass may leave weakly held and finalizable objects for the second.
    await this.send('HeapProfiler.collectGarbage');
    await this.send('HeapProfiler.collectGarbage');
  }

  async memoryUsage(): Promise<NodeJS.MemoryUsage> {
    const result = await this.send<{ result: { value: string } }>('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    return JSON.parse(result.result.value) as NodeJS.MemoryUsage;
  }

  async startCpuProfile(): Promise<void> {
    await this.send('Profiler.enable');
    await this.send('Profiler.setSamplingInterval', { interval: 500 });
    await this.send('Profiler.start');
  }

  /** Stops the CPU profile and writes it to results/profiles/<name>.cpuprofile. */
  async stopCpuProfile(name: string): Promise<{ file: string; profile: CpuProfile }> {
    const { profile } = await this.send<{ profile: CpuProfile }>('Profiler.stop');
    return { file: writeProfile(`${name}.cpuprofile`, profile), profile };
  }

  /** Sampling heap profiler: allocations still alive when it stops, by stack. */
  async startHeapSampling(): Promise<void> {
    await this.send('HeapProfiler.enable');
    await this.send('HeapProfiler.startSampling', { samplingInterval: 4096 });
  }

  async stopHeapSampling(name: string): Promise<{ file: string; profile: HeapProfile }> {
    const { profile } = await this.send<{ profile: HeapProfile }>('HeapProfiler.stopSampling');
    return { file: writeProfile(`${name}.heapprofile`, profile), profile };
  }

  close(): void {
    this.ws.close();
  }
}

/** Writes a profile to results/profiles/<fileName>; returns its path. */
function writeProfile(fileName: string, profile: CpuProfile | HeapProfile): string {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const file = join(PROFILE_DIR, fileName);
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

/** process.memoryUsage() of a server, after a full GC when asked. */
export async function inspectorMemory(
  inspectPort: number,
  collectGarbage: boolean,
): Promise<NodeJS.MemoryUsage> {
  const inspector = await Inspector.connect(inspectPort);
  try {
    if (collectGarbage) await inspector.collectGarbage();
    return await inspector.memoryUsage();
  } finally {
    inspector.close();
  }
}
