// Seeded fuzz of the WebSocket: 12,000 random and malformed messages, one at a time, each answered by exactly one
// reply in the documented shape, the process up, and nothing logged because of them. Then the frames RFC 6455 says
// close the connection, and five clients starting a session at the same instant (exactly one wins).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS, ERROR_CODES } from '../../transport/protocol.ts';
import { READ_ONLY_COMMANDS } from '../../transport/roles.ts';
import { cameraConnected, startHarness, type Harness } from '../helpers/in-process.ts';
import { prng } from '../helpers/sim-process.ts';
import { Client, type Message } from '../helpers/ws-client.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 9009);
const COUNT = 12_000;

const S = suite(`WebSocket fuzz (seed ${SEED})`);
let h: Harness;

S.before(async () => {
  // No rate limit in the way: this is about parsing and replies, not about limits (tested elsewhere).
  h = await startHarness({ limits: { rate: { burst: 1e9, perSecond: 1e9 } } });
  await h.listen();
  await cameraConnected(h);
});
S.after(async () => h.close());

const mutating = COMMANDS.filter((c) => !READ_ONLY_COMMANDS.has(c));

function generator(random: () => number) {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const text = () => Array.from({ length: int(12) }, () => String.fromCharCode(pick([32 + int(95), int(0x2fff), 0x7b, 0x22, 0x5c]))).join('');
  const value = (depth = 0): unknown => {
    switch (int(depth > 2 ? 6 : 9)) {
      case 0: return null;
      case 1: return random() < 0.5;
      case 2: return int(2 ** 31) * (random() < 0.5 ? -1 : 1);
      case 3: return pick([0, -0, 0.1, 1e300, -1e-300, Number.MAX_SAFE_INTEGER + 2, 86_401]);
      case 4: return text();
      case 5: return pick(['', 'camera', '00000000-0000-4000-8000-000000000000', 'x'.repeat(300)]);
      case 6: return Array.from({ length: int(4) }, () => value(depth + 1));
      case 7: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick([text(), 'interval', 'since', 'channels', 'sessionId', '__proto__']), value(depth + 1)]));
      default: return { channels: pick([['camera'], ['nope'], [], 'camera']), since: value(depth + 1), sinceSeq: value(depth + 1) };
    }
  };
  const id = () => pick<unknown>([undefined, int(1000), text(), 'x'.repeat(200), null, {}, [1], 1.5, true]);

  /** One frame, text or binary; a command that changes something is never valid in it. */
  return (): string | Buffer => {
    const kind = int(10);
    if (kind === 0) return Buffer.from(Array.from({ length: int(40) }, () => int(256)));
    if (kind === 1) return text();
    if (kind === 2) return pick(['', '{', '[]', 'null', '"ping"', '{"type":"ping","id":1e400}', '{"type":"ping","id":-1e400}', '{"type":1}', '{"type":"ping","data":{"a":1}}']);
    // Commands that change something always get data their strict schema refuses (an unknown field).
    if (kind === 3) return JSON.stringify({ type: pick(mutating), id: id(), data: { ...(value() as object), __fuzz: value() } });
    const readOnly = pick([...READ_ONLY_COMMANDS].filter((c) => c !== 'resume'));
    const frame = JSON.stringify({ type: pick([readOnly, text(), 'resume', 'RESUME', 'ping ', readOnly]), id: id(), data: value() });
    if (kind < 7) return frame;
    // Text damage: truncation, a flipped character, a number that does not survive JSON.
    const at = int(frame.length);
    if (kind === 7) return frame.slice(0, at);
    if (kind === 8) return frame.slice(0, at) + String.fromCharCode(32 + int(95)) + frame.slice(at + 1);
    return frame.replace(/\d+/, '1e400');
  };
}

function checkReply(m: Message, context: string): void {
  const what = `${context}: ${JSON.stringify(m).slice(0, 300)}`;
  if (m.id !== undefined) assert.ok(typeof m.id === 'string' || Number.isFinite(m.id), `id survives JSON, ${what}`);
  if (m.type === 'operation_result') {
    assert.is(m.success, true, what);
    return;
  }
  assert.is(m.type, 'error', what);
  assert.ok((ERROR_CODES as readonly string[]).includes(m.data.code), `known code, ${what}`);
  assert.type(m.data.message, 'string', what);
  assert.type(m.data.timestamp, 'string', what);
  assert.ok(!Number.isNaN(Date.parse(m.data.timestamp)), what);
}

// Session streams only: a valid read (get_camera_settings) may log what it learned on the camera-settings stream, and
// the Pi's own streams (network, time, power) log their readings on their own.
const loggedBySessions = (hh: Harness) => hh.store.sqlite.prepare("SELECT count(*) FROM events WHERE stream LIKE 'session:%'").pluck().get() as number;

S(`${COUNT} random and malformed messages: one reply each, nothing logged, still up`, async () => {
  const c = await Client.connect(h.url);
  await c.waitFor((m) => m.type === 'welcome');
  const before = loggedBySessions(h);
  const next = generator(prng(SEED));
  const isReply = (m: Message) => m.type === 'operation_result' || m.type === 'error';
  /** Replies already checked and cleared, plus those waiting in c.messages. */
  let checked = 0;
  const replies = () => checked + c.messages.filter(isReply).length;
  // In batches: a missing reply stalls the wait below, an extra one shows in the count at the end.
  const BATCH = 100;
  for (let sent = 0; sent < COUNT; ) {
    const frames = Array.from({ length: BATCH }, next);
    for (const f of frames) c.sendRaw(f);
    sent += frames.length;
    const target = sent;
    await c.waitFor(() => replies() >= target, `replies up to ${target}`);
    const batch = c.messages.filter(isReply);
    for (const m of batch) checkReply(m, `batch ending at ${target}`);
    checked += batch.length;
    c.messages.length = 0;
  }
  assert.is(replies(), COUNT);
  // Exactly one each: a last ping's reply is the only one that follows.
  assert.is((await c.request('ping')).type, 'operation_result');
  assert.is(replies(), COUNT + 1);
  assert.is(loggedBySessions(h), before, 'no session event from invalid input');
  assert.is(h.controller.state().intervalometer, null);
  c.close();
});

S('an id that does not survive JSON is refused, not echoed as null', async () => {
  const c = await Client.connect(h.url);
  await c.waitFor((m) => m.type === 'welcome');
  c.sendRaw('{"type":"ping","id":1e400}');
  const e = await c.waitFor((m) => m.type === 'error');
  assert.is(e.data.code, 'INVALID_MESSAGE');
  assert.not.ok('id' in e);
  c.close();
});

S('a text frame that is not UTF-8 closes with 1007', async () => {
  const c = await Client.connect(h.url);
  await c.waitFor((m) => m.type === 'welcome');
  const closed = new Promise<number>((resolve) => c.ws.on('close', resolve));
  c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
  assert.is(await closed, 1007);
});

S('of five clients starting a session at the same instant, exactly one wins', async () => {
  const clients = await Promise.all([1, 2, 3, 4, 5].map(() => Client.connect(h.url)));
  await Promise.all(clients.map((c) => c.waitFor((m) => m.type === 'welcome')));
  const replies = await Promise.all(clients.map((c) => c.request('start_intervalometer', { interval: 5, title: 'race' })));
  assert.is(replies.filter((r) => r.type === 'operation_result').length, 1);
  assert.equal(
    replies.filter((r) => r.type === 'error').map((r) => r.data.code),
    ['SESSION_ACTIVE', 'SESSION_ACTIVE', 'SESSION_ACTIVE', 'SESSION_ACTIVE'],
  );
  assert.is((await clients[0]!.request('stop_intervalometer')).type, 'operation_result');
  for (const c of clients) c.close();
});

S.run();
