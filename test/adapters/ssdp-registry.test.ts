import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CameraError } from '../../machines/camera-port.ts';
import { selectInterfaces } from '../../adapters/ssdp/interfaces.ts';
import { SsdpRegistry } from '../../adapters/ssdp/registry.ts';

const S = suite('ssdp registry and interfaces');

const UUID = '00000000-0000-0000-0001-7438B7E2735F';
const at = (ip: string, maxAge: number | null = 1800) => ({ uuid: UUID, location: `http://${ip}:49152/upnp/CameraDevDesc.xml`, address: ip, maxAge });

S('a new UUID is new; the same place again is a refresh', () => {
  const r = new SsdpRegistry();
  assert.is(r.seen(at('192.168.4.2'), 0).type, 'new');
  const again = r.seen(at('192.168.4.2'), 5_000);
  assert.is(again.type, 'refreshed');
  assert.is(again.entry.lastSeen, 5_000);
  assert.is(again.entry.expiresAt, 5_000 + 1_800_000);
  assert.is(r.list().length, 1);
});

S('a known UUID at a new IP updates the entry (docs/decisions.md §3)', () => {
  const r = new SsdpRegistry();
  r.seen(at('192.168.4.2'), 0);
  const change = r.seen(at('192.168.4.7'), 1_000);
  assert.is(change.type, 'moved');
  if (change.type !== 'moved') return;
  assert.is(change.previous.address, '192.168.4.2');
  assert.is(change.entry.address, '192.168.4.7');
  assert.is(r.get(UUID)?.location, 'http://192.168.4.7:49152/upnp/CameraDevDesc.xml');
  assert.is(r.list().length, 1);
  // The same UUID in another case is the same camera.
  assert.is(r.seen({ ...at('192.168.4.7'), uuid: UUID.toLowerCase() }, 2_000).type, 'refreshed');
  assert.is(r.list().length, 1);
});

S('byebye removes; a later alive makes it new again', () => {
  const r = new SsdpRegistry();
  r.seen(at('192.168.4.2'), 0);
  assert.is(r.remove(UUID)?.address, '192.168.4.2');
  assert.not.ok(r.has(UUID));
  assert.is(r.remove(UUID), null);
  assert.is(r.seen(at('192.168.4.2'), 10).type, 'new');
});

S('max-age expiry', () => {
  const r = new SsdpRegistry();
  r.seen(at('192.168.4.2', 10), 0);
  r.seen({ ...at('192.168.4.3', null), uuid: 'other' }, 0);
  assert.equal(r.prune(9_999), []);
  assert.equal(r.prune(10_000).map((e) => e.uuid), [UUID]);
  assert.equal(r.list().map((e) => e.uuid), ['other']); // no max-age: never expires
});

const table = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4' as const, mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  wlan0: [
    { address: '192.168.4.1', netmask: '255.255.255.0', family: 'IPv4' as const, mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: '192.168.4.1/24' },
    { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6' as const, mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: 'fe80::1/64', scopeid: 3 },
  ],
  eth0: [{ address: '10.0.0.5', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '11:22:33:44:55:66', internal: false, cidr: '10.0.0.5/24' }],
};

S('interfaces: every non-internal IPv4 by default; those of the named interfaces when given', () => {
  assert.equal(selectInterfaces(undefined, table), [
    { name: 'wlan0', address: '192.168.4.1' },
    { name: 'eth0', address: '10.0.0.5' },
  ]);
  assert.equal(selectInterfaces(['wlan0'], table), [{ name: 'wlan0', address: '192.168.4.1' }]);
  assert.equal(selectInterfaces(['lo', 'eth0'], table), [{ name: 'eth0', address: '10.0.0.5' }]); // node-ssdp skips loopback
});

S('interfaces: none usable is CameraError UNREACHABLE naming what there is', () => {
  for (const [wanted, t] of [
    [undefined, { lo: table.lo }],
    [['wlan1'], table],
    [['lo'], table],
    [undefined, {}],
  ] as const) {
    try {
      selectInterfaces(wanted, t);
      assert.unreachable('should throw');
    } catch (err) {
      assert.instance(err, CameraError);
      assert.is((err as CameraError).code, 'UNREACHABLE');
      assert.match((err as CameraError).message, /SSDP discovery needs/);
    }
  }
});

S.run();
