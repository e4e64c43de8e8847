// The pure part of the Pi screen: the WiFi link, the access point, both clocks and the Pi's health as facts for
// people; the AP form checked as the server checks it; the guard's refusal as a sentence. No DOM: Node tests import it.
import { formatGap, plural } from './format.js';

/** Signal 0–100 → 0–4 bars (nmcli's own steps: 0, 25, 50, 75). */
export function signalBars(signal) {
  if (typeof signal !== 'number' || !Number.isFinite(signal) || signal <= 0) return 0;
  return Math.min(4, Math.floor(signal / 25) + 1);
}

/**
 * The last scan's networks, with "in use" following the link as it is now (a scan taken before joining or after a
 * loss would otherwise say the old truth until the next one).
 */
export function networksInRange(n) {
  const joined = n?.client?.ssid ?? null;
  return (n?.networks ?? []).map((x) => ({ ...x, inUse: x.ssid === joined }));
}

/** A scanned network as one line of text: `Observatory · 78 % · WPA2 · in use`. */
export function networkRowText(n) {
  return [n.ssid || '(hidden network)', `${n.signal} %`, n.security ? n.security : 'open', n.inUse ? 'in use' : null].filter(Boolean).join(' · ');
}

const STATE_WORDS = {
  disabled: 'WiFi off',
  enabling: 'switching on',
  idle: 'not joined',
  scanning: 'scanning',
  connecting: 'joining',
  connected: 'joined',
  lost: 'link lost',
  reconnecting: 'rejoining',
  disabling: 'switching off',
  disconnecting: 'leaving',
};

/** The client link and the AP as facts `[{label, value}]`. */
export function networkFacts(n) {
  if (!n) return [];
  const facts = [
    { label: 'WiFi', value: `${STATE_WORDS[n.state] ?? n.state}${n.backend === 'sim' ? ' (simulated)' : ''}` },
    { label: 'Network', value: n.client?.ssid ?? (n.target ? `${n.target} (asked for)` : '—') },
    { label: 'Address', value: n.client?.ip ?? '—' },
    { label: 'Signal', value: typeof n.client?.signal === 'number' ? `${n.client.signal} %` : '—' },
  ];
  if (n.attempt) facts.push({ label: 'Retries', value: String(n.attempt) });
  const ap = n.ap;
  facts.push(
    { label: 'Pi’s WiFi', value: ap ? `${ap.ssid}${ap.hidden ? ' (hidden)' : ''}${ap.active ? '' : ' — down'}` : '—' },
    { label: 'Phones, camera', value: ap ? plural(ap.clients ?? 0, 'station') : '—' },
    { label: 'Channel', value: ap?.channel ? String(ap.channel) : '—' },
    { label: 'Country', value: n.country && n.country !== '00' ? n.country : 'not set' },
  );
  return facts;
}

/** NETWORK_ERROR as a sentence with an action, by the NetworkManager code in its details; `ssid` names the network. */
export function networkErrorText(e, ssid) {
  const name = ssid ?? e?.details?.ssid ?? 'the network';
  switch (e?.details?.networkCode) {
    case 'WRONG_PASSWORD':
      return `Wrong password for ${name} — type it again (it is case-sensitive).`;
    case 'NOT_FOUND':
      return `${name} is not in range — scan again, or bring the Pi closer.`;
    case 'UNAVAILABLE':
      return 'The WiFi radio is off or cannot be driven — switch WiFi on, then try again.';
    case 'TIMEOUT':
      return 'NetworkManager took too long to answer — try again.';
    case 'BUSY':
      return 'The WiFi is busy with another change — try again in a moment.';
    default:
      return e?.message || 'The WiFi change did not work — see the details.';
  }
}

/** Commands that can drop the camera's network, which the controller guards while a session shoots. */
export const GUARDED = ['network_connect', 'network_disconnect', 'wifi_disable', 'configure_access_point'];

/** The guard, said before anyone taps: null when nothing shoots. */
export function guardSentence(session) {
  if (!session?.running) return null;
  return 'A session is shooting: changing the network would drop the camera. Stop the session first, or confirm to force the change.';
}

/** What each guarded change does, for the force confirmation. */
const FORCE_WHAT = {
  network_connect: (d) => `Join ${d.ssid}`,
  network_disconnect: () => 'Leave the network',
  wifi_disable: () => 'Switch WiFi off',
  configure_access_point: () => 'Change the Pi’s WiFi',
};

/**
 * The confirmation that sends `force: true`, only offered while a session shoots; `also` is what the change's own
 * confirmation would have said.
 */
export function forceConfirm(command, data = {}, also = '') {
  return {
    title: `${FORCE_WHAT[command]?.(data) ?? command} during the session?`,
    message: `A session is shooting: changing the network would drop the camera, and frames are lost until it rejoins.${also ? ` ${also}` : ''} Do it anyway?`,
    ok: 'Force it',
    cancel: 'Keep shooting',
  };
}

/**
 * The AP form as the server checks it (SSID 1–32 bytes, WPA passphrase 8–63 characters or 64 hex digits, channel
 * 1–13 or 36–165) → `{ok: true, data}` or `{ok: false, errors: {field: sentence}}`.
 */
export function parseApForm(f) {
  const errors = {};
  const ssid = String(f.ssid ?? '');
  const bytes = new TextEncoder().encode(ssid).length;
  if (bytes < 1 || bytes > 32) errors.ssid = 'A name of 1 to 32 bytes.';
  const passphrase = String(f.passphrase ?? '');
  const hex = /^[0-9a-fA-F]{64}$/.test(passphrase);
  if (!hex && (passphrase.length < 8 || passphrase.length > 63)) errors.passphrase = '8 to 63 characters (or 64 hex digits).';
  const channel = Number(f.channel);
  if (!Number.isInteger(channel) || !((channel >= 1 && channel <= 13) || (channel >= 36 && channel <= 165))) errors.channel = 'Channel 1–13, or a 5 GHz channel 36–165.';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data: { ssid, passphrase, channel, hidden: Boolean(f.hidden) } };
}

/** Two letters, upper case, or null. */
export function parseCountry(text) {
  const c = String(text ?? '').trim().toUpperCase();
  return /^[A-Z]{2}$/.test(c) ? c : null;
}

/** A clock offset rounded for people, signed: `+3 ms`, `−240 ms`, `+1.2 s`, `−4 min`. */
export function formatOffset(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '−' : '+';
  const a = Math.abs(ms);
  if (Math.round(a) === 0) return '0 ms';
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 10_000) return `${sign}${(a / 1000).toFixed(1)} s`;
  return `${sign}${formatGap(a)}`;
}

const SOURCE_WORDS = { 'phone-ap': 'a phone on the Pi’s WiFi', 'phone-client': 'a phone on the other network', gps: 'GPS', camera: 'the camera’s clock' };
/** `just now`, `40 s ago`, `12 min ago`; `never`. */
function since(at, now) {
  if (typeof at !== 'number') return 'never';
  return now - at < 10_000 ? 'just now' : `${formatGap(now - at)} ago`;
}

/** The Pi's clock as facts. */
export function piClockFacts(pi, now) {
  if (!pi) return [];
  return [
    { label: 'Pi clock', value: pi.state === 'stepping' ? 'being set' : pi.synchronized ? 'synchronized' : pi.state === 'stale' ? 'source lost' : 'not synchronized' },
    { label: 'Source', value: pi.source ? SOURCE_WORDS[pi.source] ?? pi.source : 'none yet' },
    { label: 'Offset', value: formatOffset(pi.offsetMs) },
    { label: 'Delay', value: typeof pi.delayMs === 'number' ? `${Math.round(pi.delayMs)} ms${pi.reliability ? ` (${pi.reliability})` : ''}` : '—' },
    { label: 'Last sync', value: since(pi.lastSync, now) },
    ...(typeof pi.pendingStepMs === 'number' ? [{ label: 'Waiting', value: `a step of ${formatOffset(pi.pendingStepMs)}, after the session` }] : []),
  ];
}

/** The camera's clock keeps whole seconds: its offset is said to the second, never in false milliseconds. */
function cameraOffsetText(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (Math.abs(ms) < 1000) return 'under a second';
  return `${ms < 0 ? '−' : '+'}${formatGap(Math.abs(ms))}`;
}

/** The camera's clock as facts. */
export function cameraClockFacts(camera, now) {
  if (!camera || (camera.lastSync == null && camera.offsetMs == null && camera.state !== 'syncing')) return [{ label: 'Camera clock', value: 'not read yet' }];
  return [
    { label: 'Camera clock', value: camera.synchronized ? 'synchronized' : camera.state === 'syncing' ? 'being set' : 'not synchronized' },
    { label: 'Camera − Pi', value: cameraOffsetText(camera.offsetMs) },
    { label: 'Last set', value: since(camera.lastSync, now) },
  ];
}

/** The Pi's throttling flags that hold now, then those seen since boot, as short phrases. */
export function throttleFlags(t) {
  if (!t) return [];
  const now = [
    [t.underVoltage, 'under-voltage now'],
    [t.throttled, 'throttled now'],
    [t.freqCapped, 'frequency capped now'],
    [t.softTempLimit, 'at its soft temperature limit'],
  ];
  const past = [
    [t.underVoltageOccurred && !t.underVoltage, 'under-voltage since boot'],
    [t.throttledOccurred && !t.throttled, 'throttled since boot'],
    [t.freqCappedOccurred && !t.freqCapped, 'frequency capped since boot'],
    [t.softTempLimitOccurred && !t.softTempLimit, 'soft temperature limit since boot'],
  ];
  return [...now, ...past].filter(([on]) => on).map(([, words]) => words);
}

/** The Pi's health: facts, the battery as 0…1 for its bar (null: none), and whether anything needs a look. */
export function powerView(p, now) {
  if (!p) return { facts: [], batteryFraction: null, flags: [], warn: false };
  const b = p.battery;
  const hot = typeof p.temperatureC === 'number' && p.temperatureC >= (p.limits?.hotC ?? 80);
  const low = b && typeof b.percent === 'number' && p.externalPower !== true && b.percent <= (p.limits?.warnPercent ?? 20);
  const flags = throttleFlags(p.throttled);
  const facts = [
    { label: 'Temperature', value: typeof p.temperatureC === 'number' ? `${Math.round(p.temperatureC)} °C${hot ? ' — hot' : ''}` : '—' },
    { label: 'Battery', value: b ? `${Math.round(b.percent)} %${b.status ? ` (${String(b.status).toLowerCase()})` : ''}` : 'none' },
    { label: 'Power', value: p.externalPower === true ? 'external supply' : p.externalPower === false ? 'battery only' : '—' },
    { label: 'Supply', value: !p.throttled ? 'not reported' : flags.length ? flags.join(', ') : 'no under-voltage or throttling' },
    { label: 'Read', value: `${since(p.at, now)}${p.source === 'fake' ? ' (no Pi sensors: simulated)' : ''}` },
  ];
  return {
    facts,
    batteryFraction: b && typeof b.percent === 'number' ? Math.max(0, Math.min(1, b.percent / 100)) : null,
    flags,
    warn: Boolean(hot || low || p.throttled?.underVoltage || p.throttled?.throttled),
  };
}
