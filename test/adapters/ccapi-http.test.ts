// The CCAPI HTTP layer (node:http, keep-alive agents) against small loopback servers: every way a request fails maps
// onto the same CameraError code and delivery as before (docs/camera-notes.md §3), and connections are reused.
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CcapiError, networkError, pressOutcome } from '../../adapters/ccapi/errors.ts';
import { CcapiHttp } from '../../adapters/ccapi/http.ts';
import { CONNECT_TIMEOUT_CODE } from '../../adapters/ccapi/request.ts';

const S = suite('ccapi http over node:http');

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

async function failure(p: Promise<unknown>): Promise<CcapiError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, CcapiError);
    return err as CcapiError;
  }
  throw new Error('the request did not fail');
}

const press = (h: CcapiHttp, timeoutMs = 2_000, signal?: AbortSignal) =>
  h.request('command', 'POST', '/ccapi/ver100/shooting/control/shutterbutton', { context: 'shutterbutton', timeoutMs, body: { af: false }, signal, priority: 'press' });

S('answers: JSON body, empty body, camera message on an error status; one kept-alive connection per lane', async () => {
  let connections = 0;
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      bodies.push(`${req.method} ${req.headers['content-type'] ?? ''} ${body}`);
      if (req.url === '/empty') return res.end();
      if (req.url === '/busy') return res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"Device busy"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('\ufeff{"ok":true}');
    });
  });
  server.on('connection', () => connections++);
  const port = await listen(server);
  const h = new CcapiHttp(`http://127.0.0.1:${port}/ccapi`);
  try {
    assert.equal(await h.request('command', 'GET', '/ccapi', { context: 'topology', timeoutMs: 2_000 }), { ok: true });
    assert.equal(await h.request('command', 'GET', '/empty', { context: 'x', timeoutMs: 2_000 }), {});
    assert.equal(await press(h), { ok: true });
    const busy = await failure(h.request('command', 'GET', '/busy', { context: 'battery', timeoutMs: 2_000 }));
    assert.is(busy.code, 'BUSY');
    assert.is(busy.cameraMessage, 'Device busy');
    assert.is(busy.delivery, 'answered');
    await h.request('poll', 'GET', '/ccapi', { context: 'event/polling', timeoutMs: 2_000 });
    await h.request('poll', 'GET', '/ccapi', { context: 'event/polling', timeoutMs: 2_000 });
    assert.is(connections, 2, 'one connection for commands, one for polls');
    assert.ok(bodies.includes('POST application/json {"af":false}'));
  } finally {
    await h.close();
    server.closeAllConnections();
    server.close();
  }
});

S('refused: not sent, pressed again', async () => {
  const server = net.createServer();
  const port = await listen(server);
  server.close();
  await once(server, 'close');
  const h = new CcapiHttp(`http://127.0.0.1:${port}/ccapi`);
  const e = await failure(press(h));
  await h.close();
  assert.is(e.code, 'UNREACHABLE');
  assert.is(e.delivery, 'not-sent');
  assert.is(pressOutcome(e), 'retry');
});

S('reset after the request was sent, or an answer cut off: may have fired, never pressed again', async () => {
  for (const mode of ['reset', 'cut'] as const) {
    const server = http.createServer((req, res) => {
      req.resume();
      if (mode === 'reset') return req.socket.resetAndDestroy();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"a":');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const port = await listen(server);
    const h = new CcapiHttp(`http://127.0.0.1:${port}/ccapi`);
    const e = await failure(press(h));
    await h.close();
    server.close();
    assert.is(e.code, 'UNREACHABLE', mode);
    assert.is(e.delivery, 'unknown', mode);
    assert.is(pressOutcome(e), 'ambiguous', mode);
  }
});

S('no answer in time: TIMEOUT, may have fired', async () => {
  const server = http.createServer((req) => req.resume()); // never answers
  const port = await listen(server);
  const h = new CcapiHttp(`http://127.0.0.1:${port}/ccapi`);
  const e = await failure(press(h, 150));
  await h.close();
  server.closeAllConnections();
  server.close();
  assert.is(e.code, 'TIMEOUT');
  assert.is(e.delivery, 'unknown');
  assert.is(pressOutcome(e), 'ambiguous');
});

S('connect timeout (a TLS handshake that never completes): not sent, pressed again', async () => {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s)); // accepts, never speaks TLS
  const port = await listen(server);
  const h = new CcapiHttp(`https://127.0.0.1:${port}/ccapi`, undefined, 150);
  const e = await failure(press(h, 5_000));
  await h.close();
  sockets.forEach((s) => s.destroy());
  server.close();
  assert.is(e.code, 'TIMEOUT');
  assert.is(e.delivery, 'not-sent');
  assert.is(pressOutcome(e), 'retry');
  assert.is(networkError('x', Object.assign(new Error('connect'), { code: CONNECT_TIMEOUT_CODE }), false).delivery, 'not-sent');
});

S('cancelled by the caller, and cut off by close()', async () => {
  const server = http.createServer((req) => req.resume()); // never answers
  const port = await listen(server);
  const h = new CcapiHttp(`http://127.0.0.1:${port}/ccapi`);
  const abort = new AbortController();
  const cancelled = failure(h.request('poll', 'GET', '/ccapi', { context: 'event/polling', timeoutMs: 5_000, signal: abort.signal }));
  setTimeout(() => abort.abort(), 50);
  const c = await cancelled;
  assert.is(c.code, 'UNREACHABLE');
  assert.ok(c.message.includes('cancelled'));
  const inFlight = failure(press(h, 5_000));
  await new Promise((r) => setTimeout(r, 50));
  await h.close();
  const closed = await inFlight;
  assert.is(closed.code, 'UNREACHABLE');
  assert.is(closed.delivery, 'unknown');
  assert.is((await failure(h.request('poll', 'GET', '/ccapi', { context: 'event/polling', timeoutMs: 1_000 }))).code, 'UNREACHABLE');
  server.closeAllConnections();
  server.close();
});

S.run();
