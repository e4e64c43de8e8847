// The REST API through Fastify's inject: auth, roles, origin, the one error shape, and the same command path as the
// WebSocket.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cameraConnected, startHarness, type Harness } from '../helpers/in-process.ts';

const S = suite('HTTP API');
let h: Harness;
const op = { authorization: 'Bearer operator-token-1' };
const obs = { authorization: 'Bearer observer-token-2' };

S.before(async () => {
  h = await startHarness({ tokens: { operator: 'operator-token-1', observer: 'observer-token-2' } });
  await cameraConnected(h);
});
S.after(async () => h.close());

const isError = (body: Record<string, unknown>, code: string) => {
  assert.is(body.code, code);
  assert.type(body.message, 'string');
  assert.type(body.timestamp, 'string');
};

S('no token, a wrong token, or another site: refused in the one error shape', async () => {
  let r = await h.app.inject({ url: '/api/state' });
  assert.is(r.statusCode, 401);
  isError(r.json(), 'UNAUTHORIZED');
  r = await h.app.inject({ url: '/api/state', headers: { authorization: 'Bearer wrong-token-0' } });
  assert.is(r.statusCode, 401);
  r = await h.app.inject({ url: '/api/state', headers: { ...op, origin: 'http://evil.example' } });
  assert.is(r.statusCode, 403);
  isError(r.json(), 'FORBIDDEN');
  r = await h.app.inject({ url: '/api/state', headers: { ...op, origin: 'null' } });
  assert.is(r.statusCode, 403);
  // The page and health stay public: the page reads its token from its own URL.
  assert.is((await h.app.inject({ url: '/health' })).statusCode, 200);
});

S('state, stats (seed 004 names), metrics and events', async () => {
  const state = (await h.app.inject({ url: '/api/state', headers: obs })).json();
  assert.is(state.camera.state, 'connected');
  const stats = (await h.app.inject({ url: '/api/ws/stats', headers: obs })).json();
  for (const k of ['connected_clients', 'total_connections', 'messages_sent', 'messages_received', 'last_activity']) assert.ok(k in stats, k);
  const metrics = await h.app.inject({ url: '/api/metrics', headers: obs });
  assert.match(metrics.headers['content-type'] as string, /^text\/plain/);
  for (const name of ['skylapse_trigger_lateness_seconds_bucket', 'skylapse_broadcast_delivery_seconds_count', 'skylapse_ws_clients', 'skylapse_event_log_facts']) {
    assert.match(metrics.body, name);
  }
  const events = (await h.app.inject({ url: '/api/events?since=0&limit=1', headers: obs })).json();
  assert.is(events.events.length, 1);
  assert.is(events.events[0].seq, 1);
  assert.is(events.nextSeq, 1);
  assert.ok(events.more);
  const bad = await h.app.inject({ url: '/api/events?since=-3', headers: obs });
  assert.is(bad.statusCode, 400);
  isError(bad.json(), 'VALIDATION_ERROR');
});

S('commands: observers may read, not change; operators go through the same path as the WebSocket', async () => {
  let r = await h.app.inject({ method: 'POST', url: '/api/commands/get_camera_status', headers: obs });
  assert.is(r.statusCode, 200);
  assert.is(r.json().camera.state, 'connected');
  r = await h.app.inject({ method: 'POST', url: '/api/commands/start_intervalometer', headers: obs, payload: { interval: 5 } });
  assert.is(r.statusCode, 403);
  isError(r.json(), 'FORBIDDEN');
  r = await h.app.inject({ method: 'POST', url: '/api/commands/start_intervalometer', headers: op, payload: { interval: -1 } });
  assert.is(r.statusCode, 400);
  isError(r.json(), 'VALIDATION_ERROR');
  r = await h.app.inject({ method: 'POST', url: '/api/commands/format_card', headers: op });
  assert.is(r.statusCode, 404);
  isError(r.json(), 'UNKNOWN_COMMAND');
  r = await h.app.inject({ method: 'POST', url: '/api/commands/start_intervalometer', headers: op, payload: { interval: 5, title: 'REST' } });
  assert.is(r.statusCode, 200, r.body);
  const sessionId = r.json().session.sessionId as string;
  r = await h.app.inject({ method: 'POST', url: '/api/commands/start_intervalometer', headers: op, payload: { interval: 5 } });
  assert.is(r.statusCode, 409);
  isError(r.json(), 'SESSION_ACTIVE');
  r = await h.app.inject({ method: 'POST', url: '/api/commands/stop_intervalometer', headers: op });
  assert.is(r.json().session.sessionId, sessionId);
  r = await h.app.inject({ method: 'POST', url: '/api/commands/get_events', headers: obs, payload: { sinceSeq: 0, limit: 2 } });
  assert.is(r.json().events.length, 2);
  r = await h.app.inject({ method: 'POST', url: '/api/commands/subscribe', headers: op, payload: { channels: ['camera'] } });
  assert.is(r.statusCode, 400);
});

S('reports: list and one, 404 in the one shape', async () => {
  const list = (await h.app.inject({ url: '/api/reports', headers: obs })).json();
  assert.ok(Array.isArray(list.reports));
  const r = await h.app.inject({ url: '/api/reports/00000000-0000-4000-8000-000000000000', headers: obs });
  assert.is(r.statusCode, 404);
  isError(r.json(), 'NOT_FOUND');
  isError((await h.app.inject({ url: '/api/nothing', headers: obs })).json(), 'NOT_FOUND');
});

S('notices: operators only, validated, bodies capped', async () => {
  let r = await h.app.inject({ method: 'POST', url: '/api/broadcast', headers: obs, payload: { message: 'hi' } });
  assert.is(r.statusCode, 403);
  r = await h.app.inject({ method: 'POST', url: '/api/broadcast', headers: op, payload: { message: '' } });
  assert.is(r.statusCode, 400);
  r = await h.app.inject({ method: 'POST', url: '/api/broadcast', headers: op, payload: { message: 'Clouds at 2:00', level: 'warn' } });
  assert.equal(r.json(), { delivered: 0 });
  r = await h.app.inject({ method: 'POST', url: '/api/broadcast', headers: { ...op, 'content-type': 'application/json' }, payload: JSON.stringify({ message: 'x'.repeat(20_000) }) });
  assert.is(r.statusCode, 413);
  isError(r.json(), 'VALIDATION_ERROR');
});

S.run();
