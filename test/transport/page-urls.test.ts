import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { NetworkInterfaceInfo } from 'node:os';
import { pageUrls } from '../../transport/page-urls.ts';

const S = suite('page URLs');

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;
const interfaces = {
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  wlan0: [iface('192.168.4.1', 'IPv4'), iface('fe80::1', 'IPv6'), iface('2001:db8::5', 'IPv6')],
  eth0: [iface('10.0.0.7', 'IPv4')],
};

S('0.0.0.0: every IPv4 address a phone can reach, mDNS name first when Avahi serves it, loopback last', () => {
  assert.equal(pageUrls('0.0.0.0', 3000, { interfaces, hostname: 'skypi', mdns: true }), [
    'http://skypi.local:3000/',
    'http://192.168.4.1:3000/',
    'http://10.0.0.7:3000/',
    'http://127.0.0.1:3000/',
  ]);
});

S(':: adds global IPv6 in brackets, never link-local', () => {
  const urls = pageUrls('::', 8080, { interfaces, hostname: 'skypi', mdns: false });
  assert.ok(urls.includes('http://[2001:db8::5]:8080/'));
  assert.not.ok(urls.some((u) => u.includes('fe80')));
  assert.not.ok(urls.some((u) => u.includes('.local')));
});

S('a loopback or a single address is the only URL', () => {
  assert.equal(pageUrls('127.0.0.1', 3000, { interfaces }), ['http://127.0.0.1:3000/']);
  assert.equal(pageUrls('localhost', 3000, { interfaces }), ['http://127.0.0.1:3000/']);
  assert.equal(pageUrls('192.168.4.1', 3000, { interfaces }), ['http://192.168.4.1:3000/']);
});

S.run();
