// Child processes for the night-safety tests: `skylapse sim` on its own (so it outlives every serve we kill), its
// /_sim control routes, a `skylapse serve` that is expected to refuse to start, and small waiting helpers.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client, type Message } from './ws-client.ts';
import { B } from './protocol-names.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The same entry as `npx skylapse` and test/helpers/process.ts's startServer, so the simulator and a refused second
// server run the very code the servers under test run.
const cli = ['bin/skylapse.mjs'];

type Child = ChildProcessByStdio<null, Readable, Readable>;
type Exit = { code: number | null; signal: NodeJS.Signals | null };

export interface SimProcess {
  /** CCAPI root, e.g. http://127.0.0.1:PORT/ccapi: what `serve --camera` takes. */
  url: string;
  /** http://127.0.0.1:PORT: where /_sim lives. */
  origin: string;
  child: Child;
  exited: Promise<Exit>;
  stderr(): string;
}

/** A shutter press as the simulator logged it (wall: epoch ms; mono: the simulator process's own clock). */
export interface SimPress {
  wall: number;
  mono: number;
  /** Not in the contract; if the simulator says a press was refused (busy), it did not expose and is not counted. */
  accepted?: boolean;
}

export interface SimState {
  presses: SimPress[];
  /** Files on the card, in the camera's naming (e.g. 100CANON/IMG_0001.JPG). */
  card: string[];
  /** The release cycle: `idle` once the last press's files are written. */
  phase: 'idle' | 'exposing' | 'processing' | 'writing';
  [k: string]: unknown;
}

/** Starts `skylapse sim` as its own process; resolves once it logged its URL. */
export function startSimProcess(cardFile: string, extra: string[] = []): Promise<SimProcess> {
  const child = spawn(process.execPath, [...cli, 'sim', '--port', '0', '--host', '127.0.0.1', '--card', cardFile, ...extra], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start within 30 s\n${stdout}\n${stderr}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      buffer += d;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (typeof entry.url === 'string' && /^https?:\/\/127\.0\.0\.1:\d+\/ccapi$/.test(entry.url)) {
          clearTimeout(timer);
          const url = entry.url;
          resolve({ url, origin: url.replace(/\/ccapi$/, ''), child, exited, stderr: () => stderr });
          return;
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited (${code ?? signal}) before listening\n${stdout}\n${stderr}`));
    });
  });
}

export async function stopProcess(p: { child: Child; exited: Promise<Exit> }, signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  return p.exited;
}

export async function simState(origin: string): Promise<SimState> {
  const res = await fetch(`${origin}/_sim/state`);
  if (res.status !== 200) throw new Error(`GET /_sim/state: ${res.status} ${await res.text()}`);
  return (await res.json()) as SimState;
}

export async function simFaults(origin: string, faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${origin}/_sim/faults`, { method: 'POST', body: JSON.stringify(faults), headers: { 'content-type': 'application/json' } });
  if (res.status !== 200) throw new Error(`POST /_sim/faults ${JSON.stringify(faults)}: ${res.status} ${await res.text()}`);
}

/** The card's file names in one form: a CCAPI contents URL path and a bare `100CANON/IMG_0001.JPG` compare equal. */
export function cardName(file: string): string {
  return file.replace(/^.*\/card\d+\//, '');
}

/**
 * Runs `skylapse serve` expecting it to refuse to start. If it gets as far as listening it is killed at once (it
 * must not run beside another server) and `listened` says so.
 */
export function runServeExpectingExit(dataDir: string, extra: string[] = [], timeoutMs = 30_000): Promise<Exit & { stdout: string; stderr: string; listened: boolean }> {
  const child = spawn(process.execPath, [...cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, ...extra], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let listened = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    if (!listened && /"msg":"listening"/.test(stdout)) {
      listened = true;
      child.kill('SIGKILL');
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, listened });
    });
  });
}

/** A WebSocket client that has its welcome; a dropped server is an ordinary event here, never an uncaught error. */
export async function connectWithWelcome(url: string): Promise<{ client: Client; welcome: Message }> {
  const client = await Client.connect(url);
  client.ws.on('error', () => {});
  const welcome = await client.waitFor((m) => m.type === B.welcome, 'welcome');
  return { client, welcome };
}

/** Waits (real time, generously) until `cond` holds; throws with `what` and the last `detail()` if it never does. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000, detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail ? `: ${detail()}` : ''}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** mulberry32: a small seeded PRNG, so a failing campaign can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
