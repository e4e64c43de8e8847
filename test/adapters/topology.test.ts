import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CameraError } from '../../machines/camera-port.ts';
import { Topology } from '../../adapters/ccapi/topology.ts';
import { r50Topology } from '../../adapters/camera-sim/profile-r50.ts';

const S = suite('ccapi topology');

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof CameraError) return err.code;
    throw err;
  }
  return undefined;
}

S('the R50 profile has the capture counts (80 / 23 / 0 / 1) with all four flags', () => {
  const doc = r50Topology();
  assert.is(doc.ver100!.length, 80);
  assert.is(doc.ver110!.length, 23);
  assert.equal(doc.ver120, []);
  assert.is(doc.ver130!.length, 1);
  for (const e of Object.values(doc).flat()) {
    assert.equal(Object.keys(e).sort(), ['delete', 'get', 'path', 'post', 'put']);
  }
});

S('R50 capture shape: features resolve to the versions the body advertises', () => {
  const t = Topology.parse(JSON.parse(JSON.stringify(r50Topology())));
  const poll = t.resolve('event/polling', 'get');
  assert.is(poll.version, 110);
  assert.is(poll.path, '/ccapi/ver110/event/polling');
  assert.ok(poll.delete);
  assert.is(t.resolve('devicestatus/battery', 'get').path, '/ccapi/ver100/devicestatus/battery');
  assert.is(t.resolve('devicestatus/storage', 'get').version, 110);
  assert.is(t.resolve('shooting/control/shutterbutton', 'post').version, 100);
  assert.is(t.resolve('contents', 'get').path, '/ccapi/ver130/contents');
  assert.ok(t.has('shooting/control/shutterbutton/manual', 'post'));
});

S('newest version wins when a feature is listed twice', () => {
  const t = Topology.parse(JSON.parse(JSON.stringify(r50Topology())));
  assert.is(t.resolve('shooting/settings', 'get').version, 110);
  const t2 = Topology.parse({
    ver110: [{ path: '/ccapi/ver110/event/polling', get: true, post: false, put: false, delete: true }],
    ver100: [{ path: '/ccapi/ver100/event/polling', get: true, post: false, put: false, delete: true }],
  });
  assert.is(t2.resolve('event/polling', 'get').version, 110);
});

S('legacy absolute url entries (CCAPI 1.0 bodies); the path is what counts', () => {
  const t = Topology.parse({
    ver100: [
      { url: 'http://192.168.1.2:8080/ccapi/ver100/deviceinformation', get: true, post: false, put: false, delete: false },
      { url: 'http://192.168.1.2:8080/ccapi/ver100/event/polling', get: true, post: false, put: false, delete: true },
      { url: 'not a url', get: true },
    ],
  });
  assert.is(t.resolve('deviceinformation', 'get').path, '/ccapi/ver100/deviceinformation');
  assert.is(t.resolve('event/polling', 'get').version, 100); // only ver100 advertised → pick it
  assert.is(t.features().length, 2);
});

S('relative paths and plain strings (other implementations) become versioned paths', () => {
  const t = Topology.parse({ ver100: ['/deviceinformation', 'devicestatus/battery', { path: '/shooting/settings', get: true }], ver110: ['/ccapi/ver110/event/polling'] });
  assert.is(t.resolve('deviceinformation', 'get').path, '/ccapi/ver100/deviceinformation');
  assert.is(t.resolve('devicestatus/battery', 'get').path, '/ccapi/ver100/devicestatus/battery');
  assert.is(t.resolve('shooting/settings', 'get').path, '/ccapi/ver100/shooting/settings');
  assert.is(code(() => t.resolve('shooting/settings', 'put')), 'NOT_SUPPORTED'); // an object says which methods
  assert.ok(t.resolve('event/polling', 'delete')); // a plain string says nothing: every method is tried
});

S('demote: a 404 on the newest version falls back to the next older one, and stays fallen back', () => {
  const t = Topology.parse(r50Topology());
  const newest = t.resolve('shooting/settings', 'get');
  assert.is(newest.version, 110);
  assert.is(t.demote(newest, 'get')?.version, 100);
  assert.is(t.resolve('shooting/settings', 'get').version, 100);
  assert.is(t.demote(t.resolve('shooting/settings', 'get'), 'get'), null); // nothing older: the 404 stands
  assert.is(t.demote(t.resolve('deviceinformation', 'get'), 'get'), null);
});

S('missing feature or method → NOT_SUPPORTED; odd answers → PROTOCOL', () => {
  const t = Topology.parse(r50Topology());
  assert.is(code(() => t.resolve('functions/nonexistent', 'get')), 'NOT_SUPPORTED');
  assert.is(code(() => t.resolve('deviceinformation', 'post')), 'NOT_SUPPORTED');
  assert.is(code(() => Topology.parse({ value: 'No list of APIs' })), 'PROTOCOL');
  assert.is(code(() => Topology.parse([1, 2])), 'PROTOCOL');
});

S.run();
