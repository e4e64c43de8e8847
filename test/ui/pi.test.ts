// The pure part of the Pi screen: the AP form refuses what the server refuses and sends what it accepts, signal reads
// as bars, clock offsets are rounded for people, the Pi's flags and battery read as facts, and the guard is a sentence.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commandSchemas } from '../../transport/protocol.ts';
import {
  cameraClockFacts,
  forceConfirm,
  formatOffset,
  GUARDED,
  guardSentence,
  networkErrorText,
  networkFacts,
  networkRowText,
  networksInRange,
  parseApForm,
  parseCountry,
  piClockFacts,
  powerView,
  signalBars,
  throttleFlags,
  // @ts-expect-error plain JS module of the page
} from '../../ui/pi.js';

const S = suite('Pi screen');
const fact = (facts: { label: string; value: string }[], label: string) => facts.find((f) => f.label === label)?.value;

S('the AP form sends what the server accepts and refuses what it refuses', () => {
  const good = [
    { ssid: 'skylapse', passphrase: 'twinkle-twinkle', channel: '6', hidden: false },
    { ssid: 'Nacht', passphrase: 'a'.repeat(63), channel: '36', hidden: true },
    { ssid: 'x'.repeat(32), passphrase: 'ab'.repeat(32), channel: '165' },
  ];
  for (const f of good) {
    const r = parseApForm(f);
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(commandSchemas.configure_access_point.safeParse(r.data).success, `server rejects ${JSON.stringify(r.data)}`);
  }
  const bad = [
    [{ ssid: '', passphrase: 'twinkle-twinkle', channel: '6' }, 'ssid'],
    [{ ssid: 'ü'.repeat(17), passphrase: 'twinkle-twinkle', channel: '6' }, 'ssid'], // 34 bytes
    [{ ssid: 'sky', passphrase: 'short', channel: '6' }, 'passphrase'],
    [{ ssid: 'sky', passphrase: 'g'.repeat(64), channel: '6' }, 'passphrase'], // 64 but not hex
    [{ ssid: 'sky', passphrase: 'twinkle-twinkle', channel: '14' }, 'channel'],
    [{ ssid: 'sky', passphrase: 'twinkle-twinkle', channel: '6.5' }, 'channel'],
  ] as const;
  for (const [f, field] of bad) {
    const r = parseApForm(f);
    assert.ok(!r.ok && r.errors[field], `${JSON.stringify(f)} → ${JSON.stringify(r)}`);
    const wire = { ...f, channel: Number(f.channel), hidden: false };
    assert.ok(!commandSchemas.configure_access_point.safeParse(wire).success, `the server would take ${JSON.stringify(wire)}`);
  }
  assert.is(parseCountry(' de '), 'DE');
  assert.is(parseCountry('DEU'), null);
  assert.ok(commandSchemas.set_wifi_country.safeParse({ country: parseCountry('de') }).success);
});

S('signal reads as four bars; a network as one line', () => {
  assert.equal([0, 1, 24, 25, 49, 50, 74, 75, 100].map(signalBars), [0, 1, 1, 2, 2, 3, 3, 4, 4]);
  assert.is(signalBars(undefined), 0);
  // "In use" follows the link as it is now, not as it was at the scan.
  const scanned = [{ ssid: 'Observatory', inUse: false }, { ssid: 'Campsite WiFi', inUse: true }];
  assert.equal(networksInRange({ client: { ssid: 'Observatory' }, networks: scanned }).map((x: { inUse: boolean }) => x.inUse), [true, false]);
  assert.equal(networksInRange({ client: null, networks: scanned }).map((x: { inUse: boolean }) => x.inUse), [false, false]);
  assert.equal(networksInRange(null), []);
  assert.is(networkRowText({ ssid: 'Observatory', signal: 78, security: 'WPA2', inUse: true }), 'Observatory · 78 % · WPA2 · in use');
  assert.is(networkRowText({ ssid: 'Campsite WiFi', signal: 35, security: '', inUse: false }), 'Campsite WiFi · 35 % · open');
});

S('the link and the AP as facts, never a secret', () => {
  const view = {
    state: 'connected',
    backend: 'sim',
    enabled: true,
    client: { ssid: 'Observatory', ip: '10.0.0.23', signal: 78 },
    target: 'Observatory',
    ap: { active: true, ssid: 'skylapse', channel: 6, hidden: false, clients: 2, address: '192.168.4.1/24' },
    country: '00',
    attempt: 0,
  };
  const f = networkFacts(view);
  assert.is(fact(f, 'WiFi'), 'joined (simulated)');
  assert.is(fact(f, 'Network'), 'Observatory');
  assert.is(fact(f, 'Address'), '10.0.0.23');
  assert.is(fact(f, 'Phones, camera'), '2 stations');
  assert.is(fact(f, 'Country'), 'not set');
  const lost = networkFacts({ ...view, state: 'reconnecting', client: null, attempt: 3, ap: { ...view.ap, hidden: true } });
  assert.is(fact(lost, 'Network'), 'Observatory (asked for)');
  assert.is(fact(lost, 'Retries'), '3');
  assert.is(fact(lost, 'Pi’s WiFi'), 'skylapse (hidden)');
});

S('a refused WiFi change says what to do', () => {
  const e = (networkCode: string | null, message = 'Secrets were required, but not provided.') => ({ code: 'NETWORK_ERROR', message, details: { networkCode } });
  assert.is(networkErrorText(e('WRONG_PASSWORD'), 'Observatory'), 'Wrong password for Observatory — type it again (it is case-sensitive).');
  assert.is(networkErrorText(e('NOT_FOUND'), 'Nowhere'), 'Nowhere is not in range — scan again, or bring the Pi closer.');
  assert.match(networkErrorText(e('UNAVAILABLE')), /switch WiFi on/);
  assert.is(networkErrorText(e(null, 'The WiFi link is not started yet')), 'The WiFi link is not started yet');
});

S('the guard is a sentence while a session shoots, and the force asks first', () => {
  assert.is(guardSentence({ running: false }), null);
  assert.is(guardSentence(null), null);
  assert.match(guardSentence({ running: true }), /^A session is shooting: changing the network would drop the camera\. /);
  assert.equal(GUARDED, ['network_connect', 'network_disconnect', 'wifi_disable', 'configure_access_point']);
  const data = { network_connect: { ssid: 'x' }, network_disconnect: {}, wifi_disable: {}, configure_access_point: { ssid: 'x', passphrase: 'twinkle-twinkle', channel: 6 } };
  for (const [c, d] of Object.entries(data)) assert.ok(commandSchemas[c as keyof typeof data].safeParse({ ...d, force: true }).success, c);
  const c = forceConfirm('network_connect', { ssid: 'Observatory' });
  assert.is(c.title, 'Join Observatory during the session?');
  assert.match(c.message, /drop the camera/);
  assert.match(forceConfirm('wifi_disable', {}, 'This phone drops too.').message, /rejoins\. This phone drops too\. Do it anyway\?$/);
});

S('clock offsets are rounded for people; both clocks as facts', () => {
  assert.equal([0, 0.3, 3.4, -240.4, 1234, -9999, 42_000, -600_000, null].map(formatOffset), ['0 ms', '0 ms', '+3 ms', '−240 ms', '+1.2 s', '−10.0 s', '+42 s', '−10 min', '—']);
  const now = 1_800_000_000_000;
  const pi = { state: 'synced', synchronized: true, source: 'phone-ap', offsetMs: 12.6, delayMs: 8.2, reliability: 'high', lastSync: now - 65_000, pendingStepMs: null };
  const f = piClockFacts(pi, now);
  assert.is(fact(f, 'Pi clock'), 'synchronized');
  assert.is(fact(f, 'Source'), 'a phone on the Pi’s WiFi');
  assert.is(fact(f, 'Offset'), '+13 ms');
  assert.is(fact(f, 'Delay'), '8 ms (high)');
  assert.is(fact(f, 'Last sync'), '65 s ago');
  assert.is(fact(piClockFacts({ ...pi, lastSync: now - 400 }, now), 'Last sync'), 'just now');
  assert.is(fact(f, 'Waiting'), undefined);
  const waiting = piClockFacts({ ...pi, synchronized: false, state: 'stale', pendingStepMs: 1500 }, now);
  assert.is(fact(waiting, 'Pi clock'), 'source lost');
  assert.is(fact(waiting, 'Waiting'), 'a step of +1.5 s, after the session');
  const cam = cameraClockFacts({ state: 'idle', synchronized: false, offsetMs: -3000, lastSync: null }, now);
  assert.is(fact(cam, 'Camera clock'), 'not synchronized');
  assert.is(fact(cam, 'Camera − Pi'), '−3 s');
  assert.is(fact(cameraClockFacts({ state: 'idle', synchronized: true, offsetMs: 40, lastSync: now }, now), 'Camera − Pi'), 'under a second');
  assert.is(fact(cam, 'Last set'), 'never');
  assert.equal(cameraClockFacts({ state: 'idle', synchronized: false, offsetMs: null, lastSync: null }, now), [{ label: 'Camera clock', value: 'not read yet' }]);
});

S('the Pi’s health: flags now before flags since boot, the battery bar, and what needs a look', () => {
  const t = { raw: '0x50005', underVoltage: true, freqCapped: false, throttled: true, softTempLimit: false, underVoltageOccurred: true, freqCappedOccurred: true, throttledOccurred: true, softTempLimitOccurred: false };
  assert.equal(throttleFlags(t), ['under-voltage now', 'throttled now', 'frequency capped since boot']);
  assert.equal(throttleFlags(null), []);
  const now = 1_800_000_000_000;
  const limits = { warnPercent: 20, floorPercent: 8, hotC: 80 };
  const calm = powerView({ source: 'system', at: now - 2000, temperatureC: 48.6, battery: null, externalPower: null, throttled: { ...t, underVoltage: false, throttled: false, underVoltageOccurred: false, freqCappedOccurred: false, throttledOccurred: false }, limits }, now);
  assert.is(fact(calm.facts, 'Temperature'), '49 °C');
  assert.is(fact(calm.facts, 'Battery'), 'none');
  assert.is(fact(calm.facts, 'Supply'), 'no under-voltage or throttling');
  assert.is(calm.batteryFraction, null);
  assert.is(calm.warn, false);
  const low = powerView({ source: 'fake', at: now, temperatureC: 81, battery: { name: 'BAT0', percent: 15, status: 'Discharging', voltageV: 3.6 }, externalPower: false, throttled: null, limits }, now);
  assert.is(fact(low.facts, 'Temperature'), '81 °C — hot');
  assert.is(fact(low.facts, 'Battery'), '15 % (discharging)');
  assert.is(fact(low.facts, 'Supply'), 'not reported');
  assert.match(fact(low.facts, 'Read') ?? '', /simulated/);
  assert.is(low.batteryFraction, 0.15);
  assert.is(low.warn, true);
  // On external power a low battery is charging: no alarm.
  assert.is(powerView({ source: 'system', at: now, temperatureC: 40, battery: { name: 'BAT0', percent: 15, status: 'Charging' }, externalPower: true, throttled: null, limits }, now).warn, false);
});

S.run();
