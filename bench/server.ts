// Spawns the production server (`node bin/skylapse.mjs serve`, the compiled build) for the benches and reads what
// the operating system says about it: start-up time, RSS and CPU time from /proc. With `camera: 'process'` the
// simulated camera runs as its own `skylapse sim` process, so the figures are the controller's alone, as on a Pi
// beside a real camera (the built-in simulator would share the server's event loop, CPU and memory).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { untilListening } from '../test/helpers/process.ts';
import { startSimProcess, stopProcess, type SimProcess } from '../test/helpers/sim-process.ts';

export const root = fileURLToPath(new URL('..', import.meta.url));
/** The command line the benches start: the shipped entry point under plain node. BENCH_CLI overrides it (e.g. to time an older tree). */
export const cli = (process.env.BENCH_CLI ?? 'bin/skylapse.mjs').split(' ');

export interface BenchServer {
  pid: number;
  url: string;
  /** The simulated camera's base URL (…/ccapi), or null with a real camera. */
  simUrl: string | null;
  /** Spawn to the first answered GET /health, ms. */
  startMs: number;
  child: ChildProcessByStdio<null, Readable, Readable>;
  logs: Record<string, unknown>[];
  stop(): Promise<number | null>;
}

export interface BenchServerOptions {
  extra?: string[];
  env?: Record<string, string>;
  /** `builtin`: `serve`'s own simulator (the default start); `process`: a separate `skylapse sim`. */
  camera?: 'builtin' | 'process';
  /** Extra `skylapse sim` flags, with `camera: 'process'`. */
  simArgs?: string[];
}

export async function startBenchServer(dataDir: string, o: BenchServerOptions = {}): Promise<BenchServer> {
  const sim: SimProcess | null = o.camera === 'process' ? await startSimProcess(join(dataDir, 'sim-card.json'), o.simArgs) : null;
  const extra = [...(sim ? ['--camera', sim.url] : []), ...(o.extra ?? [])];
  const t0 = performance.now();
  const child = spawn(process.execPath, [...cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, ...extra], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The port is 0, so the bench learns it from the 'listening' log line (info, the production level).
  const port = await untilListening(child, logs, 60_000);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const startMs = performance.now() - t0;
  const simLine = logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('SIMULATED CAMERA'));
  return {
    pid: child.pid!,
    url,
    simUrl: sim?.url ?? (simLine?.url as string | undefined) ?? null,
    startMs,
    child,
    logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (sim) await stopProcess(sim, 'SIGTERM');
      return code;
    },
  };
}

/** Resident set size of a process, MB (1 MB = 2^20 bytes), from /proc. */
export function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

/** User + system CPU time of a process so far, ms, from /proc/<pid>/stat (clock ticks of 10 ms on Linux). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
