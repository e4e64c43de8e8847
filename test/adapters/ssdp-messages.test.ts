import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  buildMSearch,
  CANON_SERVICE_TYPE,
  isCanonCamera,
  maxAgeOf,
  parseSsdp,
  uuidFromUsn,
  type SsdpAnnouncement,
} from '../../adapters/ssdp/messages.ts';
import { acceptSearch, notifyAlive, notifyByebye, searchMatches, searchReply, uuidFromMac } from '../../adapters/camera-sim/ssdp.ts';

const S = suite('ssdp messages');

const UUID = '00000000-0000-0000-0001-7438B7E2735F';
const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n\r\n';

function announcement(text: string): SsdpAnnouncement {
  const m = parseSsdp(text);
  if (!m || m.kind === 'search') throw new Error(`not an announcement: ${JSON.stringify(m)}`);
  return m;
}

S('M-SEARCH: the exact bytes of docs/camera-notes.md §14', () => {
  const expected =
    'M-SEARCH * HTTP/1.1\r\n' +
    'HOST:239.255.255.250:1900\r\n' +
    'MAN: "ssdp:discover"\r\n' +
    'MX: 1\r\n' +
    'ST: urn:schemas-canon-com:service:ICPO-CameraControlAPIService:1\r\n' +
    '\r\n';
  const bytes = buildMSearch();
  assert.is(bytes.toString('latin1'), expected);
  // Real CRLF + blank line, not "\\r\\n" (docs/decisions.md §2).
  assert.equal([...bytes.subarray(-4)], [0x0d, 0x0a, 0x0d, 0x0a]);
  assert.not.ok(bytes.toString('latin1').includes('\\r'));
  assert.is(buildMSearch({ mx: 3 }).toString('latin1'), expected.replace('MX: 1', 'MX: 3'));
  assert.throws(() => buildMSearch({ mx: 0 }), /MX/);
});

S('the strict responder accepts our M-SEARCH and refuses the prior system\'s', () => {
  assert.equal(acceptSearch(buildMSearch()), { st: CANON_SERVICE_TYPE, mx: 1 });
  // Literal backslashes, as the prior system sent (docs/decisions.md §2).
  const b1 = buildMSearch().toString('latin1').replace(/\r\n/g, '\\r\\n');
  assert.is(acceptSearch(Buffer.from(b1)), null);
  const lfOnly = buildMSearch().toString('latin1').replace(/\r\n/g, '\n');
  assert.is(acceptSearch(Buffer.from(lfOnly)), null);
  const noBlank = buildMSearch().toString('latin1').slice(0, -2);
  assert.is(acceptSearch(Buffer.from(noBlank)), null);
  const unquotedMan = buildMSearch().toString('latin1').replace('"ssdp:discover"', 'ssdp:discover');
  assert.is(acceptSearch(Buffer.from(unquotedMan)), null);
  // Header case and spacing are free; MX is capped at 5.
  const loose = crlf(['M-SEARCH * HTTP/1.1', 'host: 239.255.255.250:1900', 'man:"ssdp:discover"', 'mx:9', 'st:ssdp:all']);
  assert.equal(acceptSearch(Buffer.from(loose)), { st: 'ssdp:all', mx: 5 });
});

S('responder targets: service, device, root device, uuid and ssdp:all', () => {
  assert.equal(searchMatches(CANON_SERVICE_TYPE, UUID), [{ st: CANON_SERVICE_TYPE, usn: `uuid:${UUID}::${CANON_SERVICE_TYPE}` }]);
  assert.is(searchMatches('urn:schemas-canon-com:device:ICPO-CameraControlAPIService:1', UUID).length, 1);
  assert.equal(searchMatches('upnp:rootdevice', UUID), [{ st: 'upnp:rootdevice', usn: `uuid:${UUID}::upnp:rootdevice` }]);
  assert.equal(searchMatches(`uuid:${UUID}`, UUID), [{ st: `uuid:${UUID}`, usn: `uuid:${UUID}` }]);
  assert.is(searchMatches('ssdp:all', UUID).length, 4);
  // The prior system's non-Canon type (docs/camera-notes.md §14).
  assert.equal(searchMatches('urn:schemas-upnp-org:device:ICPO-CameraControlAPIService:1', UUID), []);
  assert.is(uuidFromMac('74:38:b7:e2:73:5f'), UUID);
});

S('parses the camera reply of docs/camera-notes.md §14, byte for byte as the simulator writes it', () => {
  const text = crlf([
    'HTTP/1.1 200 OK',
    'Cache-Control: max-age=1800',
    'EXT:',
    'Location: http://192.168.1.2:49152/upnp/CameraDevDesc.xml',
    'Server: Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0',
    `ST: ${CANON_SERVICE_TYPE}`,
    `USN: uuid:${UUID}::${CANON_SERVICE_TYPE}`,
  ]);
  const usn = `uuid:${UUID}::${CANON_SERVICE_TYPE}`;
  assert.is(searchReply({ maxAge: 1800, location: 'http://192.168.1.2:49152/upnp/CameraDevDesc.xml', st: CANON_SERVICE_TYPE, usn }).toString('latin1'), text);
  assert.equal(announcement(text), {
    kind: 'response',
    uuid: UUID,
    usn,
    target: CANON_SERVICE_TYPE,
    location: 'http://192.168.1.2:49152/upnp/CameraDevDesc.xml',
    maxAge: 1800,
    server: 'Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0',
  });
  assert.ok(isCanonCamera(announcement(text)));
});

S('odd casing, no space after the colon, LF-only lines', () => {
  const a = announcement(
    ['http/1.1 200 ok', 'CACHE-CONTROL:MAX-AGE = 900', 'location:http://10.0.0.9:49152/d.xml', `st:${CANON_SERVICE_TYPE}`, `usn:UUID:${UUID}::${CANON_SERVICE_TYPE}`, '', ''].join('\n'),
  );
  assert.is(a.kind, 'response');
  assert.is(a.location, 'http://10.0.0.9:49152/d.xml');
  assert.is(a.uuid, UUID);
  assert.is(a.maxAge, 900);
  const b = announcement(crlf(['HTTP/1.1 200 OK', `LOCATION: http://h/x`, 'St: upnp:rootdevice', `Usn: uuid:${UUID}::upnp:rootdevice`]));
  assert.is(b.location, 'http://h/x');
  assert.is(b.target, 'upnp:rootdevice');
  assert.is(b.maxAge, null);
  assert.not.ok(isCanonCamera(b)); // a root-device answer alone does not say it is a camera
});

S('NOTIFY alive and byebye (as the simulator sends them)', () => {
  const loc = 'http://192.168.1.2:49152/upnp/CameraDevDesc.xml';
  const usn = `uuid:${UUID}::${CANON_SERVICE_TYPE}`;
  const alive = announcement(notifyAlive({ maxAge: 1800, location: loc, nt: CANON_SERVICE_TYPE, usn }).toString('latin1'));
  assert.equal(
    { kind: alive.kind, uuid: alive.uuid, target: alive.target, location: alive.location, maxAge: alive.maxAge },
    { kind: 'alive', uuid: UUID, target: CANON_SERVICE_TYPE, location: loc, maxAge: 1800 },
  );
  const bye = announcement(notifyByebye({ nt: CANON_SERVICE_TYPE, usn }).toString('latin1'));
  assert.is(bye.kind, 'byebye');
  assert.is(bye.location, null);
  assert.is(bye.uuid, UUID);
  const lower = announcement(crlf(['notify * http/1.1', 'nt:upnp:rootdevice', 'nts:SSDP:BYEBYE', `usn:uuid:${UUID}::upnp:rootdevice`]));
  assert.is(lower.kind, 'byebye');
});

S('not an announcement: null', () => {
  assert.is(parseSsdp(''), null);
  assert.is(parseSsdp('HTTP/1.1 404 Not Found\r\nUSN: uuid:x\r\n\r\n'), null);
  assert.is(parseSsdp(crlf(['HTTP/1.1 200 OK', 'ST: upnp:rootdevice', 'LOCATION: http://h/'])), null); // no USN
  assert.is(parseSsdp(crlf(['HTTP/1.1 200 OK', 'USN: urn:foo', 'LOCATION: http://h/'])), null); // USN without uuid
  assert.is(parseSsdp(crlf(['NOTIFY * HTTP/1.1', 'NTS: ssdp:propchange', 'USN: uuid:a'])), null);
  const search = parseSsdp(buildMSearch());
  assert.equal(search, { kind: 'search', st: CANON_SERVICE_TYPE, man: '"ssdp:discover"', mx: 1, host: '239.255.255.250:1900' });
});

S('USN and max-age helpers', () => {
  assert.is(uuidFromUsn(`uuid:${UUID}::upnp:rootdevice`), UUID);
  assert.is(uuidFromUsn(`uuid:${UUID}`), UUID);
  assert.is(uuidFromUsn('urn:x'), null);
  assert.is(maxAgeOf('no-cache="Ext", max-age=1800'), 1800);
  assert.is(maxAgeOf('public'), null);
  assert.is(maxAgeOf(undefined), null);
});

S.run();
