import { sql } from 'drizzle-orm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore, type Store } from '../../store/db.ts';
import { StoreError } from '../../store/errors.ts';
import { EventLog, VersionConflictError, type NewEvent } from '../../store/event-log.ts';
import { sessions } from '../../store/schema.ts';
import { tempDir, type TempDir } from './fixtures.ts';

interface Ctx {
  tmp: TempDir;
  store: Store;
  log: EventLog;
}

const S = suite<Ctx>('store/event-log', {} as Ctx);

S.before.each((ctx) => {
  ctx.tmp = tempDir();
  ctx.store = openStore(ctx.tmp.path('log.db'));
  ctx.log = new EventLog(ctx.store);
});

S.after.each((ctx) => {
  ctx.store.close();
  ctx.tmp.remove();
});

const at = Date.UTC(2026, 0, 1, 22, 0, 0);
const ev = (type: string, extra: Record<string, unknown> = {}, state?: unknown, facts: NewEvent['facts'] = []): NewEvent => ({
  type,
  data: { type, ...extra },
  ...(state === undefined ? {} : { state }),
  at,
  machineVersion: 'test@1',
  facts,
});
const fact = (type: string, extra: Record<string, unknown> = {}) => ({ type, data: { type, ...extra } });

function expectThrows<E extends Error>(fn: () => unknown, kind: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (error) {
    assert.instance(error, kind);
    return error as E;
  }
  assert.unreachable(`expected ${kind.name}`);
  throw new Error('unreachable');
}

S('append returns recorded events and readStream reads them back', ({ log }) => {
  const recorded = log.append('camera', 0, [
    ev('CAMERA.FOUND', { host: '192.168.1.2' }, 'connecting'),
    ev('xstate.done.actor.connect', { output: { model: 'EOS R6' } }, { connected: 'idle' }),
  ]);
  assert.equal(
    recorded.map(({ stream, version, type }) => ({ stream, version, type })),
    [
      { stream: 'camera', version: 1, type: 'CAMERA.FOUND' },
      { stream: 'camera', version: 2, type: 'xstate.done.actor.connect' },
    ],
  );
  assert.equal(recorded[1]!.data, { type: 'xstate.done.actor.connect', output: { model: 'EOS R6' } });
  assert.equal(recorded[1]!.state, { connected: 'idle' });
  assert.is(recorded[0]!.at, at);
  assert.equal(log.readStream('camera'), recorded);
  assert.is(log.version('camera'), 2);
});

S('a missing state is stored as NULL', ({ log, store }) => {
  const [event] = log.append('wifi', 0, [ev('WIFI.UP')]);
  assert.is(event!.state, null);
  assert.is(store.sqlite.prepare('SELECT state FROM events WHERE seq = ?').pluck().get(event!.seq), null);
});

S('recorded data is what the log holds (JSON round trip)', ({ log }) => {
  const [event] = log.append('s', 0, [{ ...ev('T'), data: { when: new Date(at), gone: undefined, n: 1 } }]);
  assert.equal(event!.data, { when: new Date(at).toISOString(), n: 1 });
  assert.equal(log.readStream('s')[0]!.data, event!.data);
});

S('versions are per stream; seq is global and increasing', ({ log }) => {
  const a1 = log.append('a', 0, [ev('A1')]);
  const b = log.append('b', 0, [ev('B1'), ev('B2')]);
  const a2 = log.append('a', 1, [ev('A2')]);
  assert.equal([...a1, ...a2].map((e) => e.version), [1, 2]);
  assert.equal(b.map((e) => e.version), [1, 2]);
  const seqs = [...a1, ...b, ...a2].map((e) => e.seq);
  assert.equal(seqs, [...seqs].sort((x, y) => x - y));
  assert.is(new Set(seqs).size, 4);
  assert.is(log.lastSeq(), a2[0]!.seq);
  assert.is(log.version('a'), 2);
  assert.is(log.version('b'), 2);
  assert.is(log.version('nope'), 0);
});

S('an empty log reports version 0 and lastSeq 0', ({ log }) => {
  assert.is(log.lastSeq(), 0);
  assert.equal(log.readAll(), []);
  assert.equal(log.readStream('camera'), []);
});

S('readAll pages through the global order', ({ log }) => {
  log.append('a', 0, [ev('A1'), ev('A2')]);
  log.append('b', 0, [ev('B1')]);
  log.append('a', 2, [ev('A3')]);
  const all = log.readAll();
  assert.equal(all.map((e) => e.type), ['A1', 'A2', 'B1', 'A3']);
  assert.equal(log.readAll(all[1]!.seq).map((e) => e.type), ['B1', 'A3']);
  assert.equal(log.readAll(0, 2).map((e) => e.type), ['A1', 'A2']);
  assert.equal(log.readAll(all[0]!.seq, 2).map((e) => e.type), ['A2', 'B1']);
  assert.equal(log.readAll(log.lastSeq()), []);
});

S('a stale expected version throws VersionConflictError and writes nothing', ({ log }) => {
  log.append('camera', 0, [ev('A')]);
  const before = log.lastSeq();

  const stale = expectThrows(() => log.append('camera', 0, [ev('B'), ev('C')]), VersionConflictError);
  assert.is(stale.code, 'VERSION_CONFLICT');
  assert.is(stale.stream, 'camera');
  assert.is(stale.expected, 0);
  assert.is(stale.actual, 1);

  const ahead = expectThrows(() => log.append('camera', 5, [ev('D')]), VersionConflictError);
  assert.is(ahead.actual, 1);

  const missing = expectThrows(() => log.append('new-stream', 1, [ev('E')]), VersionConflictError);
  assert.is(missing.actual, 0);

  assert.is(log.lastSeq(), before);
  assert.equal(log.readStream('camera').map((e) => e.type), ['A']);
  assert.is(log.version('new-stream'), 0);
});

S('projection runs inside the transaction for each recorded event', ({ log, store }) => {
  const seen: number[] = [];
  const recorded = log.append('s', 0, [ev('A', {}, undefined, [fact('f.a')]), ev('B')], (tx, event) => {
    // The event and its facts are already visible to the projection's transaction.
    const row = tx.all<{ type: string }>(sql`SELECT type FROM events WHERE seq = ${event.seq}`);
    assert.equal(row, [{ type: event.type }]);
    const facts = tx.all<{ type: string }>(sql`SELECT type FROM facts WHERE event_seq = ${event.seq}`);
    assert.equal(facts, event.facts.map((f) => ({ type: f.type })));
    assert.ok(store.sqlite.inTransaction);
    seen.push(event.seq);
  });
  assert.equal(seen, recorded.map((e) => e.seq));
});

S('a throwing projection rolls back the events and the projection writes', ({ log, store }) => {
  log.append('s', 0, [ev('A')]);
  const before = log.lastSeq();
  const boom = new Error('projection failed');

  const thrown = expectThrows(
    () =>
      log.append('s', 1, [ev('B', {}, undefined, [fact('f.b')]), ev('C')], (tx, event) => {
        tx.insert(sessions)
          .values({
            id: `from-${event.type}`,
            title: 't',
            intervalMs: 1000,
            totalShots: null,
            stopCondition: 'unlimited',
            startedAt: at,
            status: 'running',
            lastSeq: event.seq,
          })
          .run();
        if (event.type === 'C') throw boom;
      }),
    Error,
  );
  assert.is(thrown, boom);
  assert.is(log.lastSeq(), before);
  assert.is(log.lastFactSeq(), 0);
  assert.is(log.version('s'), 1);
  assert.equal(store.db.select().from(sessions).all(), []);
  assert.not.ok(store.sqlite.inTransaction);

  // The stream is still usable at the old version.
  assert.is(log.append('s', 1, [ev('B')])[0]!.version, 2);
});

S('an event whose data is not JSON fails with INVALID_EVENT before writing', ({ log }) => {
  const undefinedData = expectThrows(() => log.append('s', 0, [{ ...ev('X'), data: undefined }]), StoreError);
  assert.is(undefinedData.code, 'INVALID_EVENT');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.is(expectThrows(() => log.append('s', 0, [ev('OK'), { ...ev('Y'), data: cyclic }]), StoreError).code, 'INVALID_EVENT');
  assert.is(expectThrows(() => log.append('s', 0, [{ ...ev('Z'), at: Number.NaN }]), StoreError).code, 'INVALID_EVENT');
  const badFact = expectThrows(() => log.append('s', 0, [ev('F', {}, undefined, [fact('ok'), { type: 'bad', data: cyclic }])]), StoreError);
  assert.is(badFact.code, 'INVALID_EVENT');
  assert.match(badFact.message, /fact bad/);
  assert.is(log.lastSeq(), 0);
  assert.is(log.lastFactSeq(), 0);
});

S('a negative or fractional expected version is refused', ({ log }) => {
  assert.is(expectThrows(() => log.append('s', -1, [ev('A')]), StoreError).code, 'INVALID_ARGUMENT');
  assert.is(expectThrows(() => log.append('s', 0.5, [ev('A')]), StoreError).code, 'INVALID_ARGUMENT');
});

S('raw UPDATE and DELETE on events fail with "append-only"', ({ log, store }) => {
  const [event] = log.append('s', 0, [ev('A')]);
  assert.throws(() => store.sqlite.prepare("UPDATE events SET type = 'B' WHERE seq = ?").run(event!.seq), /append-only/);
  assert.throws(() => store.sqlite.prepare('DELETE FROM events WHERE seq = ?').run(event!.seq), /append-only/);
  assert.throws(() => store.sqlite.prepare('DELETE FROM events').run(), /append-only/);
  assert.equal(log.readStream('s'), [event]);
});

S('facts are stored with their event, in order, with a seq of their own', ({ log }) => {
  const recorded = log.append('session:a', 0, [
    ev('START', {}, 'running', [fact('session.started', { id: 'a' })]),
    ev('NOOP'),
    ev('SHOT', {}, 'running', [fact('shot.recorded', { n: 1 }), fact('session.ended', { status: 'completed' })]),
  ]);
  assert.equal(
    recorded.map((e) => e.facts.map((f) => [f.type, f.eventSeq === e.seq, f.stream, f.at])),
    [[['session.started', true, 'session:a', at]], [], [['shot.recorded', true, 'session:a', at], ['session.ended', true, 'session:a', at]]],
  );
  assert.equal(recorded[2]!.facts[1]!.data, { type: 'session.ended', status: 'completed' });
  const seqs = recorded.flatMap((e) => e.facts.map((f) => f.seq));
  assert.equal(seqs, [1, 2, 3]);
  assert.is(log.lastFactSeq(), 3);
  assert.equal(log.readStream('session:a'), recorded);
  assert.equal(log.readAll(), recorded);
});

S('fact seqs strictly increase across streams and appends; readFacts pages by seq', ({ log }) => {
  log.append('a', 0, [ev('A1', {}, undefined, [fact('a.1'), fact('a.2')])]);
  log.append('b', 0, [ev('B1', {}, undefined, [fact('b.1')])]);
  log.append('a', 1, [ev('A2', {}, undefined, [fact('a.3')])]);
  const all = log.readFacts();
  assert.equal(all.map((f) => [f.seq, f.stream, f.type]), [
    [1, 'a', 'a.1'],
    [2, 'a', 'a.2'],
    [3, 'b', 'b.1'],
    [4, 'a', 'a.3'],
  ]);
  assert.equal(log.readFacts(1, 2).map((f) => f.type), ['a.2', 'b.1']);
  assert.equal(log.readFacts(log.lastFactSeq()), []);
  assert.equal(log.readFacts(0, 0), []);
  assert.is(expectThrows(() => log.readFacts(0, -1), StoreError).code, 'INVALID_ARGUMENT');
});

S('a page of readAll carries exactly its own events\' facts', ({ log }) => {
  log.append('a', 0, [ev('A1', {}, undefined, [fact('a.1')]), ev('A2', {}, undefined, [fact('a.2')])]);
  log.append('b', 0, [ev('B1', {}, undefined, [fact('b.1')])]);
  const [first, second] = [log.readAll(0, 1), log.readAll(1, 1)];
  assert.equal(first.map((e) => e.facts.map((f) => f.type)), [['a.1']]);
  assert.equal(second.map((e) => e.facts.map((f) => f.type)), [['a.2']]);
});

S('readStream from a version returns that version and later ones, with their facts', ({ log }) => {
  log.append('s', 0, [ev('A', {}, undefined, [fact('f.a')]), ev('B', {}, undefined, [fact('f.b')]), ev('C', {}, undefined, [fact('f.c')])]);
  log.append('other', 0, [ev('X', {}, undefined, [fact('f.x')])]);
  assert.equal(log.readStream('s', 2).map((e) => [e.version, e.facts.map((f) => f.type)]), [
    [2, ['f.b']],
    [3, ['f.c']],
  ]);
  assert.equal(log.readStream('s', 4), []);
  assert.equal(log.readStream('s', 1), log.readStream('s'));
});

S('machineVersion is stored; events logged before it existed read back null', ({ log, store }) => {
  const [event] = log.append('camera', 0, [ev('A')]);
  assert.is(event!.machineVersion, 'test@1');
  assert.is(log.readStream('camera')[0]!.machineVersion, 'test@1');
  store.sqlite.prepare("INSERT INTO events (stream, version, type, data, at) VALUES ('camera', 2, 'old', '{}', 0)").run();
  assert.is(log.readStream('camera')[1]!.machineVersion, null);
  assert.equal(log.readStream('camera')[1]!.facts, []);
});

S('lastVersionOfType finds the newest event of a type in a stream, 0 when none', ({ log }) => {
  log.append('camera', 0, [ev('xstate.init'), ev('FOUND'), ev('xstate.init'), ev('LOST')]);
  log.append('other', 0, [ev('xstate.init'), ev('x'), ev('y'), ev('z'), ev('xstate.init')]);
  assert.is(log.lastVersionOfType('camera', 'xstate.init'), 3);
  assert.is(log.lastVersionOfType('camera', 'LOST'), 4);
  assert.is(log.lastVersionOfType('camera', 'nope'), 0);
  assert.is(log.lastVersionOfType('nope', 'xstate.init'), 0);
});

S('lastVersionOfType is one index seek on a 200,000-event log', ({ log, store }) => {
  const insert = store.sqlite.prepare("INSERT INTO events (stream, version, type, data, at) VALUES (?, ?, ?, '{}', 0)");
  store.sqlite.transaction(() => {
    for (let v = 1; v <= 200_000; v++) insert.run(v % 2 ? 'camera' : 'session:x', Math.ceil(v / 2), v % 1000 === 1 ? 'xstate.init' : 'TICK');
  })();
  assert.is(log.lastVersionOfType('camera', 'xstate.init'), 99_501);
  const plan = store.sqlite
    .prepare("EXPLAIN QUERY PLAN SELECT coalesce(max(version), 0) FROM events WHERE stream = 'camera' AND type = 'xstate.init'")
    .all() as { detail: string }[];
  assert.equal(plan.map((p) => p.detail), ['SEARCH events USING COVERING INDEX events_stream_type_version_idx (stream=? AND type=?)']);
});

S('raw UPDATE and DELETE on facts fail with "append-only"', ({ log, store }) => {
  log.append('s', 0, [ev('A', {}, undefined, [fact('f')])]);
  assert.throws(() => store.sqlite.prepare("UPDATE facts SET type = 'g'").run(), /append-only/);
  assert.throws(() => store.sqlite.prepare('DELETE FROM facts').run(), /append-only/);
  assert.is(log.readFacts().length, 1);
});

S('the unique (stream, version) index backs the version check', ({ log, store }) => {
  log.append('s', 0, [ev('A')]);
  assert.throws(
    () => store.sqlite.prepare("INSERT INTO events (stream, version, type, data, at) VALUES ('s', 1, 'dup', '{}', 0)").run(),
    /UNIQUE constraint failed/,
  );
});

S.run();
