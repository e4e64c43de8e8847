// CameraAddress decides where the camera is and when a switch is refused; the camera port and the machine are fakes.
import pino from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CameraAddress, type MovableCamera } from '../../app/camera-address.ts';
import type { CameraMoved } from '../../adapters/ssdp/discovering-camera.ts';
import type { CameraRetarget } from '../../machines/camera.ts';
import type { CameraInfo } from '../../machines/camera-port.ts';
import { ProtocolError } from '../../transport/protocol.ts';

const S = suite('camera address');
const info = (serialnumber: string): CameraInfo => ({ manufacturer: 'Canon', productname: 'Canon EOS R50', serialnumber, firmwareversion: '1.0' });

function setup(o: { sessionId: string | null; current: CameraInfo | null; there: CameraInfo | null }) {
  const sent: CameraRetarget[] = [];
  const pinned: string[] = [];
  const calls: string[] = [];
  let moved: ((m: CameraMoved) => void) | undefined;
  const camera = {
    retarget: (url: string) => void pinned.push(url),
    probe: async () => {
      if (!o.there) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'UNREACHABLE' });
      return o.there;
    },
    onMoved: (l: (m: CameraMoved) => void) => ((moved = l), () => (moved = undefined)),
    rediscover: async (reason: string) => void calls.push(`rediscover ${reason}`),
  } as unknown as MovableCamera; // only the address side of the port is used here
  const address = new CameraAddress({
    camera,
    clock: { mono: () => 5, wall: () => 6 } as never, // never: the address reads mono() only
    logger: pino({ level: 'silent' }),
    retarget: (e) => void sent.push(e),
    reconnect: () => void calls.push('reconnect'),
    holder: () => ({ sessionId: o.sessionId, info: o.current }),
  });
  address.start();
  return { address, sent, pinned, calls, move: (m: CameraMoved) => moved?.(m) };
}

async function refused(p: Promise<unknown>): Promise<ProtocolError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, ProtocolError);
    return err as ProtocolError;
  }
  throw new Error('should have been refused');
}

S('no session: switches once the camera there answers', async () => {
  const t = setup({ sessionId: null, current: info('A'), there: info('B') });
  const r = await t.address.connectTo('http://10.0.0.9:8080/ccapi');
  assert.is(r.info.serialnumber, 'B');
  assert.equal(t.pinned, ['http://10.0.0.9:8080/ccapi']);
  assert.equal(t.sent, [{ type: 'RETARGET', baseUrl: 'http://10.0.0.9:8080/ccapi', moved: null, mono: 5 }]);
});

S('during a session: the same camera at a new address is accepted, another one is SESSION_ACTIVE', async () => {
  const same = setup({ sessionId: 's1', current: info('A'), there: info('A') });
  await same.address.connectTo('http://10.0.0.9:8080/ccapi');
  assert.is(same.sent.length, 1);
  const other = setup({ sessionId: 's1', current: info('A'), there: info('B') });
  const err = await refused(other.address.connectTo('http://10.0.0.9:8080/ccapi'));
  assert.is(err.code, 'SESSION_ACTIVE');
  assert.equal(other.sent, []);
  assert.equal(other.pinned, []);
});

S('nothing answers: CAMERA_OFFLINE, nothing switched', async () => {
  const t = setup({ sessionId: null, current: info('A'), there: null });
  assert.is((await refused(t.address.connectTo('http://10.0.0.9:8080/ccapi'))).code, 'CAMERA_OFFLINE');
  assert.equal(t.sent, []);
});

S('a move heard by SSDP becomes a RETARGET carrying uuid, oldIP and newIP', () => {
  const t = setup({ sessionId: 's1', current: info('A'), there: null });
  t.move({ uuid: 'U', oldIP: '10.0.0.2', newIP: '10.0.0.3', baseUrl: 'http://10.0.0.3:8080/ccapi' });
  assert.equal(t.sent, [{ type: 'RETARGET', baseUrl: 'http://10.0.0.3:8080/ccapi', moved: { uuid: 'U', oldIP: '10.0.0.2', newIP: '10.0.0.3' }, mono: 5 }]);
});

S('rediscover (the Pi\'s network changed): the port listens again, then the machine tries at once', async () => {
  const t = setup({ sessionId: null, current: null, there: null });
  await t.address.rediscover('wlan0 got 192.168.4.1');
  assert.equal(t.calls, ['rediscover wlan0 got 192.168.4.1', 'reconnect']);
});

S.run();
