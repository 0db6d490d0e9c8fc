/** With --profile: inspector-driven CPU profiles of windows and a heap sampling profile. */
import { Inspector } from './inspector.js';
import { summarizeCpu, summarizeHeap } from './profiles.js';

export class Profiling {
  readonly summaries: Record<string, unknown> = {};
  private constructor(
    private readonly inspector: Inspector | undefined,
    private readonly prefix: string,
  ) {}

  /** Without `enabled`, every call does nothing and `summaries` stays empty. */
  static async attach(enabled: boolean, inspectPort: number, prefix: string): Promise<Profiling> {
    return new Profiling(enabled ? await Inspector.connect(inspectPort) : undefined, prefix);
  }

  async startCpu(): Promise<void> {
    await this.inspector?.startCpuProfile();
  }

  async startHeap(): Promise<void> {
    await this.inspector?.startHeapSampling();
  }

  /** Writes results/profiles/<prefix>-<phase>.cpuprofile; its summary is `<phase>Cpu`. */
  async stopCpu(phase: string): Promise<void> {
    const stopped = await this.inspector?.stopCpuProfile(`${this.prefix}-${phase}`);
    if (stopped) this.keep(`${phase}Cpu`, stopped.file, summarizeCpu(stopped.profile, 15));
  }

  /** Writes results/profiles/<prefix>-<phase>.heapprofile; its summary is `<phase>Heap`. */
  async stopHeap(phase: string): Promise<void> {
    const stopped = await this.inspector?.stopHeapSampling(`${this.prefix}-${phase}`);
    if (stopped) this.keep(`${phase}Heap`, stopped.file, summarizeHeap(stopped.profile, 15));
  }

  private keep(key: string, file: string, summary: object): void {
    this.summaries[key] = { file, ...summary };
  }

  close(): void {
    this.inspector?.close();
  }
}
