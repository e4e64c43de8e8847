// The NetworkManager adapter against a fake `nmcli` on PATH that replays recorded terse output and records its
// argv: SSIDs with `:` and `\` parse right, and SSIDs and passwords full of shell metacharacters arrive as single
// argv elements, never interpreted (a shell would have created the marker file).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NmcliNetwork, parseWifiList } from '../../adapters/network/nmcli.ts';
import { splitTerse } from '../../adapters/network/terse.ts';
import { NetworkError } from '../../machines/network-port.ts';
import { FakeNmcli, type Rule } from '../helpers/fake-nmcli.ts';

const S = suite('nmcli adapter');

// Recorded from `nmcli -t -f IN-USE,SSID,BSSID,SIGNAL,SECURITY,CHAN device wifi list` (NetworkManager 1.42).
const WIFI_LIST = [
  '*:Observatory:AA\\:BB\\:CC\\:DD\\:EE\\:01:78:WPA2:6',
  ' :Dark\\:Sky\\\\Club:AA\\:BB\\:CC\\:DD\\:EE\\:02:52:WPA1 WPA2:1',
  ' ::AA\\:BB\\:CC\\:DD\\:EE\\:03:40:WPA2:11',
  ' :Campsite WiFi:AA\\:BB\\:CC\\:DD\\:EE\\:04:35::11',
  ' :trailing\\\\:AA\\:BB\\:CC\\:DD\\:EE\\:05:20:--:36',
  '',
].join('\n');

const base: Rule[] = [
  { argv: ['-t', '-f', 'WIFI', 'radio'], stdout: 'enabled\n' },
  { argv: ['-t', '-f', 'GENERAL.STATE,IP4.ADDRESS', 'device', 'show', 'wlan0'], stdout: 'GENERAL.STATE:100 (connected)\nIP4.ADDRESS[1]:10.0.0.23/24\n' },
  { argv: ['-t', '-f', 'IN-USE,SSID,BSSID,SIGNAL,SECURITY,CHAN', 'device', 'wifi', 'list'], stdout: WIFI_LIST },
  { argv: ['device', 'wifi', 'rescan'], stdout: '' },
  {
    argv: ['-t', '-f', 'GENERAL.STATE,802-11-wireless.ssid,802-11-wireless.channel,802-11-wireless.hidden,IP4.ADDRESS,ipv4.addresses', 'connection', 'show'],
    stdout: 'GENERAL.STATE:activated\n802-11-wireless.ssid:sky\\:lapse\n802-11-wireless.channel:6\n802-11-wireless.hidden:no\nIP4.ADDRESS[1]:192.168.4.1/24\nipv4.addresses:192.168.4.1/24\n',
  },
  { tool: 'iw', argv: ['dev', 'ap0', 'station', 'dump'], stdout: 'Station 11:22:33:44:55:66 (on ap0)\n\tinactive time:\t10 ms\nStation 11:22:33:44:55:77 (on ap0)\n' },
  { tool: 'iw', argv: ['reg', 'get'], stdout: 'global\ncountry DE: DFS-ETSI\n\t(2400 - 2483 @ 40), (N/A, 20), (N/A)\n' },
  { tool: 'iw', argv: ['reg', 'set'], stdout: '' },
  { argv: ['connection', 'modify'], stdout: '' },
  { argv: ['connection', 'up'], stdout: 'Connection successfully activated\n' },
  { argv: ['device', 'disconnect'], stdout: "Device 'wlan0' successfully disconnected.\n" },
];

S('terse fields split on unescaped colons only', () => {
  assert.equal(splitTerse('a\\:b:c\\\\:d'), ['a:b', 'c\\', 'd']);
  assert.equal(splitTerse('::'), ['', '', '']);
  assert.equal(splitTerse('x\\\\\\:y'), ['x\\:y']);
});

S('a scan lists SSIDs with colons and backslashes, skips hidden ones, in-use first', async () => {
  const fake = new FakeNmcli(base);
  const nm = new NmcliNetwork({ env: fake.env(), addresses: () => ['192.168.4.1/24'] });
  const networks = await nm.scan(true);
  assert.equal(
    networks.map((n) => [n.ssid, n.bssid, n.signal, n.security, n.channel, n.inUse]),
    [
      ['Observatory', 'AA:BB:CC:DD:EE:01', 78, 'WPA2', 6, true],
      ['Dark:Sky\\Club', 'AA:BB:CC:DD:EE:02', 52, 'WPA1 WPA2', 1, false],
      ['Campsite WiFi', 'AA:BB:CC:DD:EE:04', 35, '', 11, false],
      ['trailing\\', 'AA:BB:CC:DD:EE:05', 20, '', 36, false],
    ],
  );
  assert.equal(fake.calls()[0]!.argv, ['device', 'wifi', 'rescan', 'ifname', 'wlan0']);
  rmSync(fake.dir, { recursive: true, force: true });
});

S('a reading: radio, link with ip and signal, the AP (escaped SSID) and its stations', async () => {
  const fake = new FakeNmcli(base);
  const nm = new NmcliNetwork({ env: fake.env(), addresses: () => ['10.0.0.23/24', '192.168.4.1/24'] });
  const r = await nm.read();
  assert.equal(r, {
    enabled: true,
    link: { ssid: 'Observatory', ip: '10.0.0.23', signal: 78 },
    ap: { active: true, ssid: 'sky:lapse', channel: 6, hidden: false, clients: 2, address: '192.168.4.1/24' },
    addresses: ['10.0.0.23/24', '192.168.4.1/24'],
  });
  assert.is(await nm.country(), 'DE');
  rmSync(fake.dir, { recursive: true, force: true });
});

const INJECTIONS = [
  '$(touch MARKER)',
  '`touch MARKER`',
  'a"; touch MARKER; echo "',
  "a'; touch MARKER; echo '",
  'x && touch MARKER',
  'x | touch MARKER',
  'net\nwork; touch MARKER',
  '--help',
  '-e',
  '${IFS}touch${IFS}MARKER',
  'back\\slash:colon*?[a]~',
];

S('SSIDs, passwords and AP settings full of shell metacharacters arrive as single argv elements', async () => {
  const fake = new FakeNmcli([...base, { argv: ['device', 'wifi', 'connect'], stdout: 'Device successfully activated\n' }]);
  const marker = join(fake.dir, 'MARKER');
  const nm = new NmcliNetwork({ env: fake.env(), addresses: () => [] });
  // Every string as SSID and password of a connect, as AP settings and as a country: each spawn costs a node start.
  await Promise.all(
    INJECTIONS.map(async (evil) => {
      const password = `pw${evil}`.padEnd(8, '!');
      await nm.connect(evil, password);
      await nm.configureAccessPoint({ ssid: evil, passphrase: password, channel: 6, hidden: true });
      await nm.setCountry(evil);
    }),
  );
  assert.not.ok(existsSync(marker), 'a shell interpreted an argument');
  const calls = fake.calls();
  const connects = calls.filter((c) => c.argv[0] === 'device' && c.argv[2] === 'connect');
  const bySsid = (argv: string[], field: string) => argv[argv.indexOf(field) + 1]!;
  assert.equal(
    connects.map((c) => c.argv).sort(),
    INJECTIONS.map((evil) => ['device', 'wifi', 'connect', evil, 'password', `pw${evil}`.padEnd(8, '!'), 'ifname', 'wlan0']).sort(),
  );
  const modifies = calls.filter((c) => c.argv[1] === 'modify');
  assert.is(modifies.length, INJECTIONS.length);
  for (const evil of INJECTIONS) {
    const argv = modifies.find((c) => bySsid(c.argv, '802-11-wireless.ssid') === evil)!.argv;
    assert.is(argv[argv.indexOf('802-11-wireless.ssid') + 1], evil);
    assert.is(argv[argv.indexOf('802-11-wireless-security.psk') + 1], `pw${evil}`.padEnd(8, '!'));
    assert.is(argv[argv.indexOf('802-11-wireless.hidden') + 1], 'yes');
  }
  const regs = calls.filter((c) => c.tool === 'iw' && c.argv[1] === 'set');
  assert.equal(regs.map((c) => c.argv[2]).sort(), [...INJECTIONS].sort());
  rmSync(fake.dir, { recursive: true, force: true });
});

S('a reconnect uses the saved profile: no password on the command line', async () => {
  const fake = new FakeNmcli(base);
  const nm = new NmcliNetwork({ env: fake.env(), addresses: () => [] });
  await nm.connect('Observatory', undefined);
  assert.equal(fake.calls()[0]!.argv, ['connection', 'up', 'id', 'Observatory', 'ifname', 'wlan0']);
  rmSync(fake.dir, { recursive: true, force: true });
});

S('failures map to stable codes: wrong password, not found, missing nmcli', async () => {
  const fake = new FakeNmcli([
    { argv: ['device', 'wifi', 'connect', 'Observatory'], code: 4, stderr: 'Error: Connection activation failed: Secrets were required, but not provided.\n' },
    { argv: ['device', 'wifi', 'connect', 'Nowhere'], code: 10, stderr: "Error: No network with SSID 'Nowhere' found.\n" },
  ]);
  const nm = new NmcliNetwork({ env: fake.env(), addresses: () => [] });
  const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: NetworkError) => e.code);
  assert.is(await code(nm.connect('Observatory', 'wrong-password')), 'WRONG_PASSWORD');
  assert.is(await code(nm.connect('Nowhere', 'whatever1')), 'NOT_FOUND');
  const missing = new NmcliNetwork({ env: { ...process.env, PATH: fake.dir + '/nothing-here' }, addresses: () => [] });
  assert.is(await code(missing.scan(false)), 'UNAVAILABLE');
  rmSync(fake.dir, { recursive: true, force: true });
});

S('parseWifiList ignores short and blank lines', () => {
  assert.equal(parseWifiList('\n*:x\n'), []);
});

S.run();
