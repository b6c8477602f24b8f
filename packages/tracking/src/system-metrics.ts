/**
 * Samples system metrics through a run under MLflow's names, so they read the same in MLflow's UI:
 * system/cpu_utilization_percentage, system/system_memory_usage_megabytes,
 * system/system_memory_usage_percentage, and per GPU (when nvidia-smi answers)
 * system/gpu_<i>_utilization_percentage and system/gpu_<i>_memory_usage_megabytes.
 */
import { cpus, freemem, totalmem } from 'node:os';
import { execFile } from 'node:child_process';
import type { RunCollector } from './collector';

export interface SystemSamplerOptions {
  /**
   * Seconds between samples; MLflow's default is 10. Bounds: 0.1 to 3600. One sample is also taken at stop.
   * @default 10
   */
  intervalSeconds?: number;
  /**
   * Whether to query nvidia-smi for GPU metrics (skipped silently when it is absent or fails).
   * @default true
   */
  gpu?: boolean;
}

function cpuTimes() {
  let idle = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

function nvidiaSmi(): Promise<Array<{ util: number; memMb: number }> | null> {
  return new Promise((done) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=utilization.gpu,memory.used', '--format=csv,noheader,nounits'],
      { timeout: 5000 },
      (error, stdout) => {
        if (error) return done(null);
        done(
          stdout
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => {
              const [util, mem] = line.split(',').map((s) => Number(s.trim()));
              return { util, memMb: mem };
            }),
        );
      },
    );
  });
}

/** Starts sampling into `collector`; call the returned `stop()` at the end of the run (it takes a last sample). */
export function startSystemSampler(collector: RunCollector, options: SystemSamplerOptions = {}): { stop(): Promise<void> } {
  const interval = Math.min(3600, Math.max(0.1, options.intervalSeconds ?? 10)) * 1000;
  let gpu = options.gpu ?? true;
  let previous = cpuTimes();
  let step = 0;
  const sample = async () => {
    const now = Date.now();
    const current = cpuTimes();
    const total = current.total - previous.total;
    if (total > 0)
      collector.logMetric(
        'system/cpu_utilization_percentage',
        Math.round(1000 * (1 - (current.idle - previous.idle) / total)) / 10,
        step,
        now,
      );
    previous = current;
    const used = totalmem() - freemem();
    collector.logMetric('system/system_memory_usage_megabytes', Math.round((used / 1024 / 1024) * 10) / 10, step, now);
    collector.logMetric('system/system_memory_usage_percentage', Math.round((used / totalmem()) * 1000) / 10, step, now);
    if (gpu) {
      const gpus = await nvidiaSmi();
      if (!gpus) gpu = false; // absent: stop asking
      gpus?.forEach((g, i) => {
        collector.logMetric(`system/gpu_${i}_utilization_percentage`, g.util, step, now);
        collector.logMetric(`system/gpu_${i}_memory_usage_megabytes`, g.memMb, step, now);
      });
    }
    step++;
  };
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(sample);
  }, interval);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await sample();
    },
  };
}
