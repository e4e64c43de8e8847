// Who gets in and how much they may do: tokens, roles, Origin, the connection cap, the rate limit and the
// slow-client drop, over real sockets on loopback.
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { cameraConnected, startHarness, type Harness } from '../helpers/in-process.ts';
import { Client } from '../helpers/ws-client.ts';

const S = suite('WebSocket access and limits');
let h: Harness;
const OP = 'operator-token-1';
const OBS = 'observer-token-2';

S.before(async () => {
  h = await startHarness({
    tokens: { operator: OP, observer: OBS },
    limits: { maxClients: 3, rate: { burst: 5, perSecond: 1 }, maxRefusals: 10 },
    heartbeatMs: 3_600_000, // nobody is dropped by the heartbeat here: drops below are the limits' own
  });
  await h.listen();
  await cameraConnected(h);
});
S.after(async () => h.close());

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
};

S('a missing or wrong token closes with 4001; the token is never echoed in the handshake', async () => {
  for (const token of [undefined, 'wrong-token-0']) {
    const c = await Client.connect(h.url, { token });
    const { code } = await closed(c.ws);
    assert.is(code, 4001);
    assert.is(c.messages.length, 0);
  }
  const ok = await Client.connect(h.url, { token: OP });
  assert.is(ok.ws.protocol, 'skylapse');
  const welcome = await ok.waitFor((m) => m.type === 'welcome');
  assert.is(welcome.data.role, 'operator');
  assert.equal(welcome.data.channels, ['camera', 'session', 'reports', 'network', 'time', 'system']);
  ok.close();
  await closed(ok.ws);
  // Nothing a refused or accepted client sent ended up in a warning with the token in it.
  assert.not.match(JSON.stringify(h.logs), OP);
});

S('another site (or a sandboxed page) cannot open the socket', async () => {
  for (const origin of ['http://evil.example', 'null']) {
    const ws = new WebSocket(h.url.replace('http', 'ws') + '/ws', ['skylapse', `skylapse.token.${OP}`], { headers: { origin } });
    const error = await new Promise<Error>((resolve) => ws.on('error', resolve));
    assert.match(error.message, 'Unexpected server response: 403');
  }
  const same = await Client.connect(h.url, { token: OP, headers: { origin: h.url } });
  await same.waitFor((m) => m.type === 'welcome');
  same.close();
  await closed(same.ws);
});

S('an observer sees everything and changes nothing', async () => {
  const c = await Client.connect(h.url, { token: OBS });
  assert.is((await c.waitFor((m) => m.type === 'welcome')).data.role, 'observer');
  assert.is((await c.request('start_intervalometer', { interval: 5 })).data.code, 'FORBIDDEN');
  assert.is((await c.request('take_photo')).data.code, 'FORBIDDEN');
  assert.is((await c.request('get_camera_status')).type, 'operation_result');
  c.close();
  await closed(c.ws);
});

S('the connection cap refuses the next one with 1013', async () => {
  const held = await Promise.all([1, 2, 3].map(() => Client.connect(h.url, { token: OBS })));
  await Promise.all(held.map((c) => c.waitFor((m) => m.type === 'welcome')));
  const extra = await Client.connect(h.url, { token: OBS });
  assert.is((await closed(extra.ws)).code, 1013);
  for (const c of held) c.close();
  await Promise.all(held.map((c) => closed(c.ws)));
});

S('the rate limit answers RATE_LIMITED, then closes sustained abuse with 1008', async () => {
  const c = await Client.connect(h.url, { token: OBS });
  await c.waitFor((m) => m.type === 'welcome');
  const done = closed(c.ws);
  for (let i = 1; i <= 40; i++) c.ws.send(JSON.stringify({ type: 'ping', id: i }));
  const { code, reason } = await done;
  assert.is(code, 1008);
  assert.match(reason, /rate limit/);
  const limited = c.messages.filter((m) => m.type === 'error' && m.data.code === 'RATE_LIMITED');
  assert.ok(limited.length >= 10, `${limited.length} RATE_LIMITED`);
  assert.ok(limited.every((m) => typeof m.id === 'number'), 'a refusal names the message it refuses');
  assert.ok(c.count('operation_result') >= 5);
});

S('a request whose headers trickle in is cut off (slowloris), and the server still answers', async () => {
  const { port } = new URL(h.url);
  const closes = Array.from({ length: 10 }, () => {
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    const line = 'GET /health HTTP/1.1\r\nHost: x\r\n';
    let i = 0;
    const timer = setInterval(() => socket.write(i < line.length ? line[i++]! : 'X-Slow: 1\r\n'), 200);
    return new Promise<void>((resolve) => socket.on('close', () => (clearInterval(timer), resolve())));
  });
  await Promise.all(closes); // headers must be complete within 10 s; these never are
  assert.is((await fetch(`${h.url}/health`)).status, 200);
});

S.run();

const D = suite('slow clients');
let d: Harness;
D.before(async () => {
  d = await startHarness({ limits: { rate: { burst: 100_000, perSecond: 100_000 } }, heartbeatMs: 3_600_000 });
  await d.listen();
  await cameraConnected(d);
});
D.after(async () => d.close());

D('a client that never reads its replies is dropped with a code and reason, without waiting for a broadcast', async () => {
  const c = await Client.connect(d.url);
  await c.waitFor((m) => m.type === 'welcome');
  const socket = (c.ws as unknown as { _socket: import('node:net').Socket })._socket;
  socket.pause(); // reads nothing from now on
  const frame = JSON.stringify({ type: 'get_camera_status', id: 1 });
  for (let i = 0; i < 20_000 && d.app.ws.clients() > 0; i++) {
    c.ws.send(frame);
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  await until(() => d.app.ws.clients() === 0, 'the slow client was dropped');
  const drop = d.logs.find((l) => l.msg === 'dropping a client');
  assert.ok(drop, 'the drop is logged');
  assert.is(drop!.code, 1008);
  assert.match(String(drop!.reason), /too slow/);
  c.ws.terminate();
  // The others are fine.
  const other = await Client.connect(d.url);
  assert.is((await other.request('ping')).type, 'operation_result');
  other.close();
});

D.run();
