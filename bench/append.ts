// Durable event append at synchronous=FULL, on a real file (fsync per commit), one transaction per event: the cost
// every machine transition pays before anything acts on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/db.ts';
import { EventLog } from '../store/event-log.ts';
import { summary } from './stats.ts';

export function benchAppend(n = Number(process.env.BENCH_APPENDS ?? 3000)) {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'skylapse-bench-'));
  const store = openStore(join(dir, 'bench.db'));
  const log = new EventLog(store);
  const synchronous = store.sqlite.pragma('synchronous', { simple: true }) as number;
  const stream = 'session:00000000-0000-4000-8000-0000000000be';
  // A shot's completion event, the most common event of a night, at its real size.
  const event = (i: number) => ({
    type: 'xstate.done.actor.shoot',
    data: { type: 'xstate.done.actor.shoot', output: { triggerMono: i * 500.123, triggerWall: Date.now(), latencyMs: 31.7, attempts: 1, files: [`100CANON/IMG_${String(i % 10000).padStart(4, '0')}.JPG`], doneMono: i * 500 + 300, doneWall: Date.now() } },
    state: { running: 'waiting' },
    at: Date.now(),
    machineVersion: 'bench',
    facts: [],
  });
  const latencies: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    log.append(stream, i, [event(i)]);
    latencies.push(performance.now() - start);
  }
  const perSecond = n / ((performance.now() - t0) / 1000);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { synchronous, ...summary(latencies), perSecond };
}
