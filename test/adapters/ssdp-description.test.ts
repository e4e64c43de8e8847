import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CameraError } from '../../machines/camera-port.ts';
import { descriptionXml } from '../../adapters/camera-sim/ssdp.ts';
import { parseDescription } from '../../adapters/ssdp/description.ts';
import { scanXml } from '../../adapters/ssdp/xml.ts';

const S = suite('ssdp device description');

// The example description of Canon's CCAPI reference, verbatim but for the address (docs/camera-notes.md §14).
const SAMPLE = `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
<URLBase>http://192.168.1.2:49152/upnp/</URLBase>
<device>
<deviceType>urn:schemas-canon-com:device:ICPO-CameraControlAPIService:1</deviceType>
<friendlyName>Degital Camera</friendlyName><manufacturer>Canon</manufacturer>
<manufacturerURL>http://www.canon.com/</manufacturerURL><modelDescription>Canon Digital Camera</modelDescription>
<modelName>EOS R6</modelName><serialNumber>012345678901</serialNumber>
<UDN>uuid:00000000-0000-0607-0001-0A0B0C0D0E0F</UDN>
<serviceList><service>
<serviceType>urn:schemas-canon-com:service:ICPO-CameraControlAPIService:1</serviceType>
<serviceId>urn:schemas-canon-com:serviceId:ICPO-CameraControlAPIService-1</serviceId>
<SCPDURL>CameraSvcDesc.xml</SCPDURL><controlURL>control/CanonCamera/</controlURL><eventSubURL></eventSubURL>
<ns:X_onService xmlns:ns="urn:schemas-canon-com:schema-upnp">0</ns:X_onService>
<ns:X_accessURL xmlns:ns="urn:schemas-canon-com:schema-upnp">http://192.168.1.2:8080/ccapi</ns:X_accessURL>
<ns:X_deviceNickname xmlns:ns="urn:schemas-canon-com:schema-upnp">Camera</ns:X_deviceNickname>
</service></serviceList>
<presentationURL>/</presentationURL>
</device>
</root>
`;

function protocolError(fn: () => unknown): CameraError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CameraError) {
      assert.is(err.code, 'PROTOCOL');
      assert.is(err.transient, false);
      return err;
    }
    throw err;
  }
  throw new Error('expected a CameraError');
}

S('Canon\'s reference example', () => {
  assert.equal(parseDescription(SAMPLE), {
    uuid: '00000000-0000-0607-0001-0A0B0C0D0E0F',
    accessUrl: 'http://192.168.1.2:8080/ccapi',
    modelName: 'EOS R6',
    friendlyName: 'Degital Camera',
    manufacturer: 'Canon',
    serialNumber: '012345678901',
    deviceType: 'urn:schemas-canon-com:device:ICPO-CameraControlAPIService:1',
    nickname: 'Camera',
    onService: false,
  });
});

S('the simulator writes the reference example\'s form, line for line', () => {
  const xml = descriptionXml({
    urlBase: 'http://192.168.1.2:49152/upnp/',
    modelName: 'EOS R6',
    friendlyName: 'Degital Camera',
    serialNumber: '012345678901',
    uuid: '00000000-0000-0607-0001-0A0B0C0D0E0F',
    accessUrl: 'http://192.168.1.2:8080/ccapi',
    onService: false,
  });
  assert.is(xml, SAMPLE);
  // Canon's sample app finds the URL with exactly this regex.
  assert.is(/<ns:X_accessURL xmlns:ns="urn:schemas-canon-com:schema-upnp">(.+?)<\/ns:X_accessURL>/.exec(xml)?.[1], 'http://192.168.1.2:8080/ccapi');
});

S('any prefix, a default-namespace declaration, whitespace and comments', () => {
  const canonPrefix = SAMPLE.replace(/ns:X_/g, 'canon:X_').replace(/xmlns:ns=/g, 'xmlns:canon=');
  assert.is(parseDescription(canonPrefix).accessUrl, 'http://192.168.1.2:8080/ccapi');

  const declaredOnRoot = SAMPLE.replace('<root xmlns="urn:schemas-upnp-org:device-1-0">', '<root xmlns="urn:schemas-upnp-org:device-1-0" xmlns:c="urn:schemas-canon-com:schema-upnp">')
    .replace(/<ns:(X_\w+) xmlns:ns="urn:schemas-canon-com:schema-upnp">/g, '<c:$1>')
    .replace(/<\/ns:/g, '</c:');
  assert.is(parseDescription(declaredOnRoot).accessUrl, 'http://192.168.1.2:8080/ccapi');

  const defaultNs = SAMPLE.replace(
    /<ns:X_accessURL xmlns:ns="urn:schemas-canon-com:schema-upnp">(.+?)<\/ns:X_accessURL>/,
    '<X_accessURL xmlns="urn:schemas-canon-com:schema-upnp">$1</X_accessURL>',
  );
  assert.is(parseDescription(defaultNs).accessUrl, 'http://192.168.1.2:8080/ccapi');

  const spaced = SAMPLE.replace(
    /<ns:X_accessURL xmlns:ns="urn:schemas-canon-com:schema-upnp">(.+?)<\/ns:X_accessURL>/,
    "<!-- the CCAPI root -->\n  <ns:X_accessURL\n     xmlns:ns = 'urn:schemas-canon-com:schema-upnp' >\n    $1/\n  </ns:X_accessURL >",
  ).replace('<modelName>EOS R6</modelName>', '<modelName>\n  EOS R6  </modelName>');
  const d = parseDescription(spaced);
  assert.is(d.accessUrl, 'http://192.168.1.2:8080/ccapi');
  assert.is(d.modelName, 'EOS R6');

  const entities = SAMPLE.replace('Degital Camera', 'Tom&apos;s &amp; &#x263A;').replace('<modelName>EOS R6', '<modelName><![CDATA[EOS <R6>]]>');
  assert.is(parseDescription(entities).friendlyName, "Tom's & \u263A");
  assert.is(parseDescription(entities).modelName, 'EOS <R6>');
});

S('scheme, host and port come from X_accessURL', () => {
  const https = parseDescription(SAMPLE.replace('http://192.168.1.2:8080/ccapi', 'https://192.168.4.2:443/ccapi'));
  assert.is(https.accessUrl, 'https://192.168.4.2:443/ccapi');
  const noPort = parseDescription(SAMPLE.replace('http://192.168.1.2:8080/ccapi', 'HTTPS://Camera.local/ccapi/'));
  assert.is(noPort.accessUrl, 'https://camera.local:443/ccapi');
  const onService = parseDescription(SAMPLE.replace('>0</ns:X_onService>', '>1</ns:X_onService>'));
  assert.is(onService.onService, true);
});

S('missing or wrong fields: CameraError PROTOCOL', () => {
  const noAccess = SAMPLE.replace(/<ns:X_accessURL.*<\/ns:X_accessURL>\n/, '');
  assert.match(protocolError(() => parseDescription(noAccess)).message, /X_accessURL/);
  // Same local name in another namespace does not count.
  const otherNs = SAMPLE.replace('xmlns:ns="urn:schemas-canon-com:schema-upnp">http', 'xmlns:ns="urn:example:other">http');
  assert.match(protocolError(() => parseDescription(otherNs)).message, /X_accessURL/);
  // An unbound prefix is not namespace-aware-readable.
  const unbound = SAMPLE.replace(/<ns:X_accessURL xmlns:ns="urn:schemas-canon-com:schema-upnp">/, '<ns:X_accessURL>');
  assert.match(protocolError(() => parseDescription(unbound)).message, /X_accessURL/);
  const empty = SAMPLE.replace('http://192.168.1.2:8080/ccapi', '  ');
  assert.match(protocolError(() => parseDescription(empty)).message, /X_accessURL/);
  assert.match(protocolError(() => parseDescription(SAMPLE.replace('http://192.168.1.2:8080/ccapi', 'not a url'))).message, /not a URL/);
  assert.match(protocolError(() => parseDescription(SAMPLE.replace('http://192.168.1.2:8080/ccapi', 'ftp://h/ccapi'))).message, /http/);
  assert.match(protocolError(() => parseDescription(SAMPLE.replace(/<UDN>.*<\/UDN>/, ''))).message, /UDN/);
  assert.match(protocolError(() => parseDescription(SAMPLE.replace('<UDN>uuid:', '<UDN>'))).message, /UDN/);
  // Optional fields read as null.
  const bare = parseDescription(SAMPLE.replace(/<modelName>.*<\/modelName>/, '').replace(/<ns:X_onService.*<\/ns:X_onService>/, ''));
  assert.is(bare.modelName, null);
  assert.is(bare.onService, null);
});

S('malformed XML: CameraError PROTOCOL', () => {
  for (const bad of ['', 'hello', SAMPLE.replace('</device>', ''), SAMPLE.replace('<device>', '<device'), '<a></b>', '<a/><b/>', '<a x=1/>']) {
    assert.match(protocolError(() => parseDescription(bad)).message, /not well-formed/);
  }
});

S('the scanner tracks namespace scopes per element', () => {
  const els = scanXml('<r xmlns="urn:a" xmlns:p="urn:p"><p:x>1</p:x><y xmlns="">2</y><p:z xmlns:p="urn:q">3</p:z><p:w/></r>');
  assert.equal(
    els.map((e) => [e.ns, e.local, e.text, e.depth]),
    [
      ['urn:a', 'r', '', 0],
      ['urn:p', 'x', '1', 1],
      [null, 'y', '2', 1],
      ['urn:q', 'z', '3', 1],
      ['urn:p', 'w', '', 1],
    ],
  );
});

S.run();
