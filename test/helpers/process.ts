// Spawns the real CLI as a child process and reads its pino JSON log lines. It runs what ships: the build in dist/
// under plain node, through the same entry as `npm start`, `npx skylapse` and the systemd unit. `npm test` builds
// first (test/run.ts), so the build is never older than the sources; to run one e2e file by hand, `npm run build`
// first or use `npm test -- <file>`.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const cli = ['bin/skylapse.mjs'];

export interface Server {
  port: number;
  url: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  logs: Record<string, unknown>[];
  /** Resolves with the exit code/signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Collects a spawned `skylapse serve`'s pino log lines into `logs` (for as long as it runs) and resolves with the port
 * of its `listening` line; rejects if it exits first or does not listen within `timeoutMs`. The bench uses it too.
 */
export function untilListening(child: ChildProcessByStdio<null, Readable, Readable>, logs: Record<string, unknown>[], timeoutMs: number): Promise<number> {
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`server did not listen within ${timeoutMs / 1000} s\n${stderr}`)), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      buffer += d;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') {
            clearTimeout(timer);
            resolve(entry.port as number);
          }
        } catch {
          // not a log line
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening\n${stderr}`));
    });
  });
}

export async function startServer(dataDir: string, extra: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [...cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, ...extra], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await untilListening(child, logs, 30_000);
  return { port, url: `http://127.0.0.1:${port}`, child, logs, exited };
}

export async function stopServer(server: Server, signal: NodeJS.Signals = 'SIGTERM') {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.exited;
  server.child.kill(signal);
  return server.exited;
}

/** Runs the CLI to completion (for `report`, `doctor`, usage errors), returning its output. */
export function runCli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
