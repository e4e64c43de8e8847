// The Pi screen: its WiFi link and access point (scan, join, leave, radio on/off, country, the AP's settings), both
// clocks with a manual camera sync, and the Pi's health. The controller's state arrives through the store
// (network_event, time_sync_status, power_status); only the last scan's list and the forms are page-local.
// Passwords are read from their field when sent, the field is emptied at once, and they are kept nowhere else.
import { fillFacts } from './dom.js';
import { explainError } from './explain.js';
import { formatClock } from './format.js';
import { cameraClockFacts, forceConfirm, GUARDED, guardSentence, networkErrorText, networkFacts, networkRowText, networksInRange, parseApForm, parseCountry, piClockFacts, powerView, signalBars } from './pi.js';

const $ = (id) => document.getElementById(id);
const PI_COMMANDS = ['network_scan', 'network_connect', 'network_disconnect', 'wifi_enable', 'wifi_disable', 'set_wifi_country', 'configure_access_point', 'manual_camera_sync'];

/** `ctx`: {request, draw, ui, confirmDialog, state()}. Returns {render(state, conn, ui, now), load()}. */
export function mountPi({ request, draw, ui, confirmDialog, state }) {
  ui.pi = { selected: null, error: null, note: null, apOpen: false, apErrors: {} };

  /**
   * Sends one of the Pi's commands. A guarded change while the page knows a session shoots asks first and then sends
   * `force: true`; a refusal the page did not see coming (SESSION_ACTIVE) is said as the guard's sentence.
   */
  async function send(command, data = {}, { note, confirm } = {}) {
    let payload = data;
    if (GUARDED.includes(command) && state().session?.running) {
      if (!(await confirmDialog(forceConfirm(command, data, confirm?.message)))) return null;
      payload = { ...data, force: true };
    } else if (confirm && !(await confirmDialog(confirm))) return null;
    ui.busy.add(command);
    ui.pi.error = null;
    ui.pi.note = null;
    draw();
    try {
      const reply = (await request(command, payload)) ?? {};
      ui.pi.note = note ?? null;
      return reply;
    } catch (e) {
      const text = e.code === 'SESSION_ACTIVE' && GUARDED.includes(command) ? guardSentence({ running: true }) : e.code === 'NETWORK_ERROR' ? networkErrorText(e, data.ssid) : explainError(e, { command }).text;
      ui.pi.error = { text, detail: `${e.code ?? 'ERROR'}: ${e.message ?? ''}` };
      return null;
    } finally {
      ui.busy.delete(command);
      draw();
    }
  }

  const scan = () => send('network_scan', { refresh: true });
  $('wifi-scan').addEventListener('click', scan);
  $('wifi-join').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const ssid = ui.pi.selected;
    if (!ssid) return;
    const field = $('wifi-password');
    const password = field.value;
    field.value = '';
    const reply = await send('network_connect', password ? { ssid, password } : { ssid }, { note: `Joined ${ssid}.` });
    if (reply) ui.pi.selected = null;
    draw();
  });
  $('wifi-join-cancel').addEventListener('click', () => {
    ui.pi.selected = null;
    $('wifi-password').value = '';
    draw();
  });
  $('wifi-leave').addEventListener('click', async () => {
    const ssid = state().network?.client?.ssid;
    const confirm = { title: `Leave ${ssid ?? 'the network'}?`, message: 'The Pi keeps its own WiFi for the phones and the camera.', ok: 'Leave', cancel: 'Stay' };
    await send('network_disconnect', {}, { note: 'Left the network.', confirm });
  });
  $('wifi-toggle').addEventListener('click', async () => {
    if (!state().network?.enabled) return send('wifi_enable', {}, { note: 'WiFi is on.' });
    const confirm = {
      title: 'Switch WiFi off?',
      message: 'The radio off takes the Pi’s own WiFi down too: this phone and the camera drop off, and the page can only come back over a cable.',
      ok: 'Switch off',
      cancel: 'Keep it on',
    };
    await send('wifi_disable', {}, { note: 'WiFi is off.', confirm });
  });
  $('wifi-country-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const country = parseCountry($('wifi-country').value);
    if (!country) {
      ui.pi.error = { text: 'A country is two letters, such as DE or US.', detail: '' };
      return draw();
    }
    await send('set_wifi_country', { country }, { note: `Country set to ${country}.` });
  });
  $('ap-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const parsed = parseApForm({ ssid: $('ap-ssid').value, passphrase: $('ap-pass').value, channel: $('ap-channel').value, hidden: $('ap-hidden').checked });
    ui.pi.apErrors = parsed.ok ? {} : parsed.errors;
    if (!parsed.ok) return draw();
    $('ap-pass').value = '';
    const confirm = {
      title: 'Change the Pi’s WiFi?',
      message: `Every phone on the Pi’s WiFi drops, this one too, and must join “${parsed.data.ssid}” again with the new passphrase; the camera must be joined to it again as well.`,
      ok: 'Change it',
      cancel: 'Keep it',
    };
    const reply = await send('configure_access_point', parsed.data, { note: `The Pi’s WiFi is now “${parsed.data.ssid}”.`, confirm });
    if (reply) ui.pi.apOpen = false;
    draw();
  });
  $('ap-open').addEventListener('click', () => {
    ui.pi.apOpen = !ui.pi.apOpen;
    const ap = state().network?.ap;
    if (ui.pi.apOpen && ap) {
      $('ap-ssid').value = ap.ssid ?? '';
      $('ap-channel').value = String(ap.channel ?? '');
      $('ap-hidden').checked = Boolean(ap.hidden);
    }
    if (!ui.pi.apOpen) $('ap-pass').value = '';
    draw();
  });
  $('clock-sync').addEventListener('click', () => send('manual_camera_sync', {}, { note: 'The camera’s clock was read, and set if it was off.' }));

  function load() {
    const n = state().network;
    // Once, and only with the radio on: a scan of a switched-off radio would only be an error.
    if (n?.enabled !== false && !n?.networks?.length && !ui.busy.has('network_scan')) void scan();
  }

  function render(s, conn, _ui, now = Date.now()) {
    const off = !s.live || conn.phase !== 'open';
    const n = s.network;
    const busy = PI_COMMANDS.some((c) => ui.busy.has(c));
    fillFacts($('wifi-facts'), networkFacts(n));
    const guard = guardSentence(s.session);
    $('wifi-guard').hidden = !guard;
    $('wifi-guard').textContent = guard ?? '';
    const err = ui.pi.error;
    $('pi-error').hidden = !err;
    $('pi-error-text').textContent = err?.text ?? '';
    $('pi-error-detail').textContent = err?.detail ?? '';
    $('pi-note').textContent = ui.pi.note ?? '';

    $('wifi-scan').disabled = off || busy || n?.enabled === false;
    $('wifi-scan').textContent = ui.busy.has('network_scan') ? 'Scanning…' : 'Scan';
    $('wifi-scanned').textContent = n?.scannedAt ? `Scanned at ${formatClock(n.scannedAt)}` : n?.enabled === false ? 'WiFi is off: switch it on to scan.' : 'Not scanned yet.';
    renderNetworks(networksInRange(n), off || busy);

    const sel = ui.pi.selected;
    const selNet = n?.networks?.find((x) => x.ssid === sel);
    $('wifi-join').hidden = !sel;
    $('wifi-join-h').textContent = sel ? `Join ${sel}` : '';
    $('wifi-password-row').hidden = !selNet?.security;
    $('wifi-join-btn').disabled = off || busy;
    $('wifi-join-btn').textContent = ui.busy.has('network_connect') ? 'Joining…' : 'Join';

    $('wifi-leave').hidden = !n?.client;
    $('wifi-leave').disabled = off || busy;
    $('wifi-toggle').disabled = off || busy || !n;
    $('wifi-toggle').textContent = n?.enabled === false ? 'Switch WiFi on' : 'Switch WiFi off…';
    $('wifi-country-btn').disabled = off || busy;
    if (document.activeElement !== $('wifi-country') && !$('wifi-country').value && n?.country && n.country !== '00') $('wifi-country').value = n.country;

    $('ap-open').textContent = ui.pi.apOpen ? 'Close the Pi’s WiFi settings' : 'Change the Pi’s WiFi…';
    $('ap-open').disabled = off || !n?.ap;
    $('ap-form').hidden = !ui.pi.apOpen;
    for (const f of ['ssid', 'pass', 'channel']) {
      const e = ui.pi.apErrors[f === 'pass' ? 'passphrase' : f];
      $(`ap-${f}-err`).hidden = !e;
      $(`ap-${f}-err`).textContent = e ?? '';
    }
    $('ap-save').disabled = off || busy;

    fillFacts($('clock-pi'), piClockFacts(s.timeSync?.pi, now));
    fillFacts($('clock-camera'), cameraClockFacts(s.timeSync?.camera, now));
    const camOff = s.camera?.state !== 'connected';
    $('clock-sync').disabled = off || busy || camOff || Boolean(s.session?.running);
    $('clock-sync').textContent = ui.busy.has('manual_camera_sync') ? 'Setting…' : 'Set the camera’s clock from the Pi';
    $('clock-reason').textContent = camOff ? `Camera is ${s.camera?.state ?? 'unknown'}` : s.session?.running ? 'During a session the camera’s clock is left alone: set it after the session.' : '';

    const p = powerView(s.power, now);
    fillFacts($('health-facts'), p.facts);
    $('health-battery').parentElement.hidden = p.batteryFraction === null;
    if (p.batteryFraction !== null) $('health-battery').style.width = `${Math.round(p.batteryFraction * 100)}%`;
    $('health').classList.toggle('alert', p.warn);
  }

  function renderNetworks(networks, disabled) {
    const list = $('wifi-list');
    const key = JSON.stringify(networks.map((x) => [x.ssid, x.signal, x.security, x.inUse]));
    if (list.dataset.key !== key) {
      list.dataset.key = key;
      list.replaceChildren(...networks.map(networkItem));
    }
    for (const b of list.querySelectorAll('button')) b.disabled = disabled;
  }

  function networkItem(x) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'network';
    b.setAttribute('aria-label', `${networkRowText(x)}. Join`);
    const bars = document.createElement('span');
    bars.className = 'signal';
    bars.dataset.bars = String(signalBars(x.signal));
    bars.setAttribute('aria-hidden', 'true');
    for (let i = 0; i < 4; i++) bars.append(document.createElement('i'));
    const name = document.createElement('span');
    name.className = 'ssid';
    name.textContent = x.ssid || '(hidden network)';
    const about = document.createElement('span');
    about.className = 'about';
    about.textContent = [x.security || 'open', x.inUse ? 'in use' : null].filter(Boolean).join(' · ');
    b.append(bars, name, about);
    b.addEventListener('click', () => {
      ui.pi.selected = x.ssid;
      ui.pi.error = null;
      $('wifi-password').value = '';
      draw();
      if (x.security) $('wifi-password').focus();
    });
    li.append(b);
    return li;
  }

  return { render, load };
}
