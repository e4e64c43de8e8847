// Diagnostics, not a figure: where the server's CPU goes during the footprint bench's 0.5 s session, per thread
// (main, V8 workers, libuv pool) and user/system, from /proc. `node --import tsx bench/threads.ts [--instant]`.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { freshDir } from './figures.ts';
import { startBenchServer } from './server.ts';
import { connectClients } from './ws.ts';

const instant = process.argv.includes('--instant');
const shots = Number(process.env.BENCH_SHOTS ?? 40);

function threads(pid: number): Map<string, { user: number; sys: number }> {
  const out = new Map<string, { user: number; sys: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = `${tid === String(pid) ? 'main' : name} ${tid}`;
      out.set(key, { user: Number(f[11]) * 10, sys: Number(f[12]) * 10 });
    } catch {
      // thread gone
    }
  }
  return out;
}

const dir = freshDir();
const server = await startBenchServer(dir);
try {
  if (instant) {
    const origin = new URL(server.simUrl!).origin;
    await fetch(`${origin}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instantPolls: true }) });
  }
  await new Promise((r) => setTimeout(r, 3000));
  const clients = await connectClients(server.url, 5);
  const before = threads(server.pid);
  const t0 = performance.now();
  const c = clients[0]!;
  await c.cameraConnected();
  await c.request('start_intervalometer', { interval: 0.5, totalShots: shots, title: 'bench' });
  await c.waitFor((m) => m.type === 'intervalometer_completed' || m.type === 'intervalometer_stopped', (shots * 0.5 + 60) * 1000);
  const wall = performance.now() - t0;
  const after = threads(server.pid);
  let total = 0;
  for (const [k, a] of after) {
    const b = before.get(k) ?? { user: 0, sys: 0 };
    const u = a.user - b.user;
    const s = a.sys - b.sys;
    total += u + s;
    if (u + s > 0) console.log(`${k.padEnd(24)} user ${String(u).padStart(5)} ms  sys ${String(s).padStart(5)} ms`);
  }
  console.log(`total ${total} ms over ${(wall / 1000).toFixed(1)} s = ${((total / wall) * 100).toFixed(2)} % of a core; ${(total / shots).toFixed(1)} ms a shot`);
  clients.forEach((x) => x.close());
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
