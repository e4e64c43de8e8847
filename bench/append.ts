// Event append latency and throughput at synchronous=FULL, on a real file (fsync per commit), with and without
// the session projection that runs inside the same transaction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/db.ts';
import { EventLog } from '../store/event-log.ts';
import { projectSessionFacts } from '../store/projections.ts';
import type { SessionFact } from '../machines/session-facts.ts';
import { fmt, summary } from './stats.ts';

export function benchAppend(n = Number(process.env.BENCH_APPENDS ?? 3000)) {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'skylapse-bench-'));
  const store = openStore(join(dir, 'bench.db'));
  const log = new EventLog(store);
  const synchronous = store.sqlite.pragma('synchronous', { simple: true });
  const journal = store.sqlite.pragma('journal_mode', { simple: true });
  const id = '00000000-0000-4000-8000-0000000000be';
  const stream = `session:${id}`;
  log.append(stream, 0, [{ type: 'xstate.init', data: { type: 'xstate.init' }, state: 'running', at: Date.now() }], (tx, r) =>
    projectSessionFacts(tx, r, [{ type: 'session.started', session: { id, title: 'bench', intervalMs: 500, totalShots: null, stopCondition: 'unlimited', startedAt: Date.now() } }]),
  );
  const event = (i: number) => ({
    type: 'xstate.done.actor.shoot',
    data: { type: 'xstate.done.actor.shoot', output: { triggerMono: i * 500.123, triggerWall: Date.now(), latencyMs: 31.7, attempts: 1, file: `100CANON/IMG_${String(i % 10000).padStart(4, '0')}.JPG`, doneMono: i * 500 + 300, doneWall: Date.now() } },
    state: { running: 'waiting' },
    at: Date.now(),
  });
  const measure = (withProjection: boolean) => {
    const latencies: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const e = event(i);
      const start = performance.now();
      log.append(stream, log.version(stream), [e], withProjection
        ? (tx, r) => {
            const shot = { number: r.version, plannedAt: e.at, plannedMono: i * 500, triggeredAt: e.at, triggerMono: i * 500 + 1, latenessMs: 1, latencyMs: 31.7, attempts: 1, file: e.data.output.file, result: 'ok' as const, error: null };
            projectSessionFacts(tx, r, [{ type: 'shot.recorded', sessionId: id, shot } satisfies SessionFact]);
          }
        : undefined);
      latencies.push(performance.now() - start);
    }
    const seconds = (performance.now() - t0) / 1000;
    return { ...summary(latencies), perSecond: n / seconds };
  };
  const bare = measure(false);
  const projected = measure(true);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { journal, synchronous, bare, projected };
}

export function printAppend(r: ReturnType<typeof benchAppend>) {
  console.log(`event append (journal_mode=${r.journal}, synchronous=${r.synchronous} [2 = FULL], one transaction per event)`);
  for (const [name, s] of [['append only', r.bare], ['append + shot projection', r.projected]] as const) {
    console.log(`  ${name.padEnd(26)} n=${s.n}  p50 ${fmt(s.p50)}  p99 ${fmt(s.p99)}  max ${fmt(s.max)}  ${s.perSecond.toFixed(0)} events/s`);
  }
}
