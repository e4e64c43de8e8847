// The announcement skylapse reads from node-ssdp's header objects (names upper-cased by node-ssdp; the datagrams
// themselves are parsed by node-ssdp, over real multicast in test/netns/discovery.test.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { announcement, CANON_SERVICE_TYPE, isCanonCamera, maxAgeOf, uuidFromUsn } from '../../adapters/ssdp/messages.ts';
import { uuidFromMac } from '../../adapters/camera-sim/ssdp.ts';

const S = suite('ssdp messages');

const UUID = '00000000-0000-0000-0001-7438B7E2735F';
const LOCATION = 'http://192.168.1.2:49152/upnp/CameraDevDesc.xml';
const USN = `uuid:${UUID}::${CANON_SERVICE_TYPE}`;

S('a Canon search reply (docs/camera-notes.md §14), as node-ssdp hands it over', () => {
  const a = announcement('response', {
    'CACHE-CONTROL': 'max-age=1800',
    EXT: '',
    LOCATION,
    SERVER: 'Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0',
    ST: CANON_SERVICE_TYPE,
    USN,
  });
  assert.equal(a, { kind: 'response', uuid: UUID, usn: USN, target: CANON_SERVICE_TYPE, location: LOCATION, maxAge: 1800 });
  assert.ok(a && isCanonCamera(a));
});

S('NOTIFY alive and byebye: target from NT; byebye has no location', () => {
  const alive = announcement('alive', { HOST: '239.255.255.250:1900', 'CACHE-CONTROL': 'MAX-AGE = 900', LOCATION, NT: CANON_SERVICE_TYPE, NTS: 'ssdp:alive', USN });
  assert.equal(
    { kind: alive?.kind, target: alive?.target, location: alive?.location, maxAge: alive?.maxAge },
    { kind: 'alive', target: CANON_SERVICE_TYPE, location: LOCATION, maxAge: 900 },
  );
  const bye = announcement('byebye', { NT: 'upnp:rootdevice', NTS: 'ssdp:byebye', USN: `uuid:${UUID}::upnp:rootdevice` });
  assert.is(bye?.location, null);
  assert.is(bye?.uuid, UUID);
  assert.not.ok(bye && isCanonCamera(bye)); // a root-device message alone does not say it is a camera
});

S('no usable USN: null', () => {
  assert.is(announcement('response', { ST: 'upnp:rootdevice', LOCATION: 'http://h/' }), null);
  assert.is(announcement('response', { USN: 'urn:foo', LOCATION: 'http://h/' }), null);
});

S('USN, max-age and MAC helpers', () => {
  assert.is(uuidFromUsn(`uuid:${UUID}::upnp:rootdevice`), UUID);
  assert.is(uuidFromUsn(`uuid:${UUID}`), UUID);
  assert.is(uuidFromUsn('urn:x'), null);
  assert.is(maxAgeOf('no-cache="Ext", max-age=1800'), 1800);
  assert.is(maxAgeOf('public'), null);
  assert.is(maxAgeOf(undefined), null);
  assert.is(uuidFromMac('74:38:b7:e2:73:5f'), UUID);
});

S.run();
