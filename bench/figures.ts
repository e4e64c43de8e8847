// The bench's scenarios. Each returns named measurements of one run; run.ts repeats them and compares with goals.
// Everything talks to a real server process (the build, plain node) over loopback, as a phone would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMissedFacts, copyHistory } from './history.ts';
import { cpuMs, rssMb, startBenchServer, type BenchServer, type BenchServerOptions } from './server.ts';
import { summary } from './stats.ts';
import { connectClient, connectClients, type BenchClient } from './ws.ts';

export type Measured = Record<string, number | null>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const freshDir = () => mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'skylapse-bench-'));

async function withServer<T>(dir: string, fn: (s: BenchServer) => Promise<T>, options: BenchServerOptions = {}): Promise<T> {
  const server = await startBenchServer(dir, options);
  try {
    return await fn(server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Shot {
  number: number;
  plannedMono: number;
  latenessMs: number | null;
  result: string;
}

/** Runs one session from `client` and resolves with every shot broadcast, once the session ended. */
async function session(client: BenchClient, intervalS: number, shots: number): Promise<Shot[]> {
  await client.cameraConnected();
  const reply = await client.request('start_intervalometer', { interval: intervalS, totalShots: shots, title: 'bench', force: true });
  const id = (reply.data?.session as { sessionId: string }).sessionId;
  await client.waitFor((m) => (m.type === 'intervalometer_completed' || m.type === 'intervalometer_stopped') && (m.data?.session as { sessionId: string })?.sessionId === id, (intervalS * shots + 60) * 1000);
  return client.messages
    .filter((m) => m.type === 'photo_taken' && m.data?.sessionId === id)
    .map((m) => m.data!.shot as Shot);
}

/** Sessions run against `skylapse sim` as its own process: the figures are the controller's, as beside a real camera. */
const CAMERA_APART: BenchServerOptions = { camera: 'process' };

/** Trigger lateness (trigger − plan, monotonic) over a session with 20 clients attached; drift of the plan's grid. */
export async function lateness(intervalS: number, shots: number): Promise<Measured> {
  return withServer(freshDir(), async (server) => {
    const clients = await connectClients(server.url, 20);
    const taken = await session(clients[0]!, intervalS, shots);
    clients.forEach((c) => c.close());
    const ok = taken.filter((s) => s.result === 'ok' && s.latenessMs !== null);
    const s = summary(ok.map((x) => x.latenessMs!));
    const first = taken[0]!;
    const last = taken.at(-1)!;
    return {
      p50: s.p50,
      p99: s.p99,
      max: s.max,
      first: taken.find((x) => x.number === 1)?.latenessMs ?? null,
      // 0 when slot k is still planned at start + k × interval after the whole run (no accumulated slip).
      drift: last.plannedMono - first.plannedMono - (last.number - first.number) * intervalS * 1000,
      missed: shots - ok.length,
    };
  }, { ...CAMERA_APART, simArgs: ['--write-ms', String(simWriteMs(intervalS))] });
}

/**
 * The simulated camera's card write time for a bench at `intervalS`: an R50's 250 ms JPEG write, or less when the
 * interval is faster than an R50 can shoot, so that every slot can be taken and the figure is the controller's timing.
 */
const simWriteMs = (intervalS: number) => Math.min(250, Math.round(intervalS * 1000 * 0.4));

/** Spawn to the first answered GET /health, and RSS once settled, with an empty log or a copy of a history. */
export async function startup(history: string | null): Promise<Measured> {
  return withServer(history ? copyHistory(history) : freshDir(), async (server) => {
    await sleep(3000);
    return { startMs: server.startMs, rssMb: rssMb(server.pid) };
  });
}

/** Upgrade done ('open') to welcome received, over 20 connections one after the other. */
export async function welcome(history: string): Promise<Measured> {
  return withServer(copyHistory(history), async (server) => {
    const waits: number[] = [];
    for (let i = 0; i < 21; i++) {
      const c = await connectClient(server.url);
      const w = await c.waitFor((m) => m.type === 'welcome');
      if (i > 0) waits.push(w.receivedMono - c.openedMono); // the first warms the code path
      c.close();
    }
    const s = summary(waits);
    return { p50: s.p50, max: s.max };
  });
}

/**
 * Broadcast fan-out: 100 clients, a 0.25 s session; for every broadcast, receipt (wall clock, ms) − the broadcast's
 * `timestamp` (the server's wall clock when it sent it, ms resolution). Also RSS per connected client.
 */
export async function fanout(shots: number): Promise<Measured> {
  return withServer(freshDir(), async (server) => {
    await sleep(2000);
    const before = rssMb(server.pid);
    const clients = await connectClients(server.url, 100);
    await sleep(2000);
    const perClientKb = ((rssMb(server.pid) - before) * 1024) / 100;
    const t0 = Date.now();
    await session(clients[0]!, 0.25, shots);
    await sleep(500);
    const delays = clients.flatMap((c) => c.messages.filter((m) => m.seq !== undefined && m.timestamp && Date.parse(m.timestamp) >= t0).map((m) => m.receivedWall - Date.parse(m.timestamp!)));
    clients.forEach((c) => c.close());
    const s = summary(delays);
    return { p50: s.p50, p99: s.p99, perClientKb };
  }, { ...CAMERA_APART, extra: ['--max-clients', '128'] }); // above the default cap of 32
}

/**
 * Resume of `missed` broadcasts: a client reconnects with `?since=` and the log holds `missed` facts it has not seen;
 * from the upgrade to receipt of the last of them. Twice: the first folds the stream from the log, the second finds
 * the fold cached (ten phones waking after the same nap).
 */
export async function resume(missed: number): Promise<Measured> {
  const dir = freshDir();
  const { since, last } = await buildMissedFacts(dir, missed);
  return withServer(dir, async (server) => {
    const times: number[] = [];
    let received = 0;
    for (let i = 0; i < 2; i++) {
      const c = await connectClient(server.url, `?since=${since}`);
      const done = await c.waitFor((m) => m.seq === last, 120_000);
      times.push(done.receivedMono - c.openedMono);
      received = c.messages.filter((m) => m.seq !== undefined && m.seq > since && m.seq <= last).length;
      c.close();
    }
    return { coldMs: times[0]!, warmMs: times[1]!, complete: received === missed ? 1 : 0 };
  });
}

/**
 * RSS idle (no client, camera connected), then a 0.5 s session with 5 clients: peak RSS and CPU % of one core over
 * it, of the controller alone. `instantPolls` first asks the simulator to answer event polls at once (a camera that
 * never holds a poll).
 */
export async function footprint(shots: number, instantPolls: boolean): Promise<Measured> {
  return withServer(freshDir(), async (server) => {
    if (instantPolls) {
      const origin = new URL(server.simUrl!).origin;
      const res = await fetch(`${origin}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instantPolls: true }) });
      if (!res.ok) return { idleRssMb: null, sessionRssMb: null, cpuPct: null, unsupported: 1 };
    }
    await sleep(3000);
    const idle = rssMb(server.pid);
    const clients = await connectClients(server.url, 5);
    let peak = rssMb(server.pid);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 250);
    const cpu0 = cpuMs(server.pid);
    const t0 = performance.now();
    await session(clients[0]!, 0.5, shots);
    const cpuPct = ((cpuMs(server.pid) - cpu0) / (performance.now() - t0)) * 100;
    clearInterval(sampler);
    clients.forEach((c) => c.close());
    return { idleRssMb: idle, sessionRssMb: peak, cpuPct, unsupported: 0 };
  }, CAMERA_APART);
}

/**
 * The client's clock: the same realtime clock the server stamps with (Date.now()), whole milliseconds. A
 * performance.now()-based clock would be another clock (monotonic, from its own origin) and drifts from it by
 * milliseconds, which would show as estimate error.
 */
const nowMs = () => Date.now();

/**
 * Time-sync offset error over `exchanges` NTP-style exchanges on loopback: clients whose clock is `skewMs` ahead
 * answer every time-sync-request, the request held `extraUpMs` on its way in (an asymmetric path). The skew stays
 * below the step threshold, so the server's (dry-run) clock never moves and the truth stays known. Each reply tells
 * the server's estimate of that sample; the error is estimate − skew, and theory bounds it by ±delay/2.
 */
export async function timeSync(exchanges: number, skewMs: number, extraUpMs: number): Promise<Measured> {
  return withServer(freshDir(), async (server) => {
    const errors: number[] = [];
    const bests: number[] = [];
    let within = 0;
    while (errors.length < exchanges) {
      const c = await connectClient(server.url);
      const burst: { error: number; delayMs: number }[] = [];
      // The server asks a burst of 8 at every connect; the reply to each answer carries that sample's estimate.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`time sync: ${burst.length} of 8 samples`)), 30_000);
        const onMessage = (m: { type: string; data?: { requestId: string; t1: number; offsetMs?: number; delayMs?: number } }) => {
          if (m.type === 'time-sync-request' && m.data) {
            const { requestId, t1 } = m.data;
            setTimeout(() => {
              const t2 = nowMs() + skewMs;
              c.ws.send(JSON.stringify({ type: 'time-sync-response', data: { requestId, t1, t2, t3: nowMs() + skewMs } }));
            }, extraUpMs);
          } else if (m.type === 'operation_result' && typeof m.data?.offsetMs === 'number' && typeof m.data.delayMs === 'number') {
            const error = m.data.offsetMs - skewMs;
            burst.push({ error, delayMs: m.data.delayMs });
            if (Math.abs(error) <= m.data.delayMs / 2 + 1) within++; // 1: four stamps in whole milliseconds
            if (burst.length === 8) {
              clearTimeout(timer);
              resolve();
            }
          }
        };
        // The first request can arrive in the same read as the upgrade, before this listener: the client kept it.
        for (const m of c.messages) onMessage(m as Parameters<typeof onMessage>[0]);
        c.ws.on('message', (raw) => onMessage(JSON.parse(raw.toString()) as Parameters<typeof onMessage>[0]));
      });
      errors.push(...burst.map((b) => b.error));
      bests.push(Math.abs(burst.reduce((a, b) => (b.delayMs < a.delayMs ? b : a)).error));
      c.close();
    }
    const abs = summary(errors.map(Math.abs));
    return { samples: errors.length, p50: abs.p50, p99: abs.p99, max: abs.max, bestMax: Math.max(...bests), withinPct: (100 * within) / errors.length };
  });
}
