// Draws the store's state into the static elements of index.html. Text only goes in through textContent.
import {
  basename,
  describeBattery,
  describeStorage,
  formatClock,
  formatDateTime,
  formatDuration,
  formatInterval,
  msUntilNextShot,
} from './format.js';

const $ = (id) => document.getElementById(id);
const show = (el, on) => (el.hidden = !on);
const text = (el, t) => {
  if (el.textContent !== t) el.textContent = t;
};
const flag = (el, cls, on) => el.classList.toggle(cls, Boolean(on));
const errText = (e) => (e ? `${e.code ?? 'ERROR'}: ${e.message ?? ''}` : '');

/** Why a button cannot be used now, or null. `ui.busy` holds the commands awaiting their reply. */
export function startBlocker(state, conn, ui) {
  if (!state.live || conn.phase !== 'open') return 'Not connected to the controller';
  if (!state.availableCommands.includes('start_intervalometer')) return 'The controller does not offer start_intervalometer';
  if (state.session?.running) return 'A session is running; stop it first';
  if (state.camera?.state !== 'connected') return `Camera is ${state.camera?.state ?? 'unknown'}`;
  if (ui.busy.has('start_intervalometer')) return 'Starting…';
  return null;
}
export function testPhotoBlocker(state, conn, ui) {
  if (!state.live || conn.phase !== 'open') return 'Not connected to the controller';
  if (state.session?.running) return 'No test photos during a session: it would disturb the timelapse';
  if (state.camera?.state !== 'connected') return `Camera is ${state.camera?.state ?? 'unknown'}`;
  if (ui.busy.has('take_photo')) return 'Taking a photo…';
  return null;
}

export function render(state, conn, ui, now) {
  const cam = state.camera;
  const stale = !state.live;
  document.body.classList.toggle('stale', stale);

  // Header: camera.
  show($('sim-badge'), cam?.simulated);
  const camState = $('cam-state');
  text(camState, cam ? cam.state + (cam.attempt && cam.state !== 'connected' ? ` (try ${cam.attempt})` : '') : '—');
  flag(camState, 'ok', cam?.state === 'connected');
  flag(camState, 'bad', cam && cam.state !== 'connected');
  text($('cam-model'), cam?.info?.productname ?? '—');
  const st = cam?.status;
  const battery = describeBattery(st?.battery);
  text($('cam-battery'), st ? battery.text : '—');
  flag($('cam-battery'), 'bad', st && battery.warn);
  const card = describeStorage(st?.storage);
  text($('cam-card'), st ? card.text : '—');
  flag($('cam-card'), 'bad', st && card.warn);
  text($('cam-temp'), st?.temperature ?? '—');
  flag($('cam-temp'), 'bad', st?.temperature && st.temperature !== 'normal');
  text($('cam-tv'), st?.tv ?? '—');
  const camErr = cam && cam.state !== 'connected' && cam.lastError;
  show($('cam-error'), camErr);
  text($('cam-error'), camErr ? `Camera: ${errText(cam.lastError)}` : '');

  renderUnsaved(state, conn, ui);
  renderSession(state, conn, ui);
  renderStart(state, conn, ui);
  renderActivity(state);
  tick(state, conn, now);
}

function renderUnsaved(state, conn, ui) {
  const u = state.unsaved;
  show($('unsaved'), u);
  if (!u) return;
  text($('unsaved-title'), u.title || '(untitled)');
  text($('unsaved-shots'), `${u.shotsTaken} taken · ${u.shotsFailed} failed · ${u.shotsSkipped} skipped${u.totalShots ? ` of ${u.totalShots}` : ''}`);
  text($('unsaved-start'), formatDateTime(u.startedAt));
  text($('unsaved-end'), u.endedAt ? `${formatDateTime(u.endedAt)} (${formatDuration(u.endedAt - u.startedAt)})` : '—');
  const off = !state.live || conn.phase !== 'open' || ui.busy.has('save_session_as_report') || ui.busy.has('discard_session');
  $('unsaved-save').disabled = off;
  $('unsaved-discard').disabled = off;
  text($('unsaved-save'), ui.busy.has('save_session_as_report') ? 'Saving…' : 'Save as report');
}

function renderSession(state, conn, ui) {
  const s = state.session;
  show($('session'), s);
  if (!s) return;
  text($('session-title'), s.title || 'Session');
  const stateEl = $('session-state');
  text(stateEl, s.stopRequested && s.running ? 'stopping' : s.state);
  stateEl.dataset.state = s.state;
  text($('session-shots'), `${s.shotsTaken} / ${s.totalShots ?? '∞'}`);
  text($('session-failed'), String(s.shotsFailed));
  flag($('session-failed'), 'bad', s.shotsFailed > 0);
  text($('session-skipped'), String(s.shotsSkipped));
  flag($('session-skipped'), 'bad', s.shotsSkipped > 0);
  text($('session-interval'), formatInterval(s.interval));
  text($('session-started'), formatClock(s.startedAt));
  const plannedEnd = s.totalShots ? s.startedAt + (s.totalShots - 1) * s.interval * 1000 : null;
  text($('session-end-label'), s.endedAt ? 'Ended' : 'Ends');
  text($('session-end'), s.endedAt ? formatClock(s.endedAt) : plannedEnd ? `~${formatClock(plannedEnd)}` : 'when stopped');
  const progress = $('session-progress');
  show(progress, s.totalShots);
  if (s.totalShots) progress.value = Math.min(1, (s.shotsTaken + s.shotsFailed + s.shotsSkipped) / s.totalShots);
  const last = s.lastShot;
  text($('session-file'), last ? (last.result === 'ok' ? basename(last.file) ?? 'no file reported' : `#${last.number} ${last.result}`) : '—');
  text($('session-late'), last?.latenessMs != null ? `${Math.round(last.latenessMs)} ms` : '—');
  flag($('session-late'), 'bad', last?.latenessMs > s.interval * 250);
  text($('session-latency'), last?.latencyMs != null ? `${Math.round(last.latencyMs)} ms` : '—');
  const err = s.error ?? (last?.result === 'failed' ? last.error : null);
  show($('session-error'), err);
  text($('session-error'), err ? (s.error ? `Session error: ${errText(err)}` : `Shot #${last.number} failed: ${errText(err)}`) : '');

  const stop = $('stop');
  show(stop, s.running);
  stop.disabled = !state.live || conn.phase !== 'open' || s.stopRequested || ui.busy.has('stop_intervalometer');
  text(stop, s.stopRequested ? 'Stopping after this exposure…' : ui.busy.has('stop_intervalometer') ? 'Stopping…' : 'Stop session…');

  const next = s.running && s.nextShotNumber ? ` Next shot number ${s.nextShotNumber} at ${formatClock(s.nextShotAt)}.` : '';
  text($('session-announce'), `${s.title || 'Session'} ${s.state}. ${s.shotsTaken} shots taken, ${s.shotsFailed} failed.${next}`);
}

function renderStart(state, conn, ui) {
  const startWhy = startBlocker(state, conn, ui);
  const btn = $('start-btn');
  btn.disabled = Boolean(startWhy);
  text(btn, ui.busy.has('start_intervalometer') ? 'Starting…' : 'Start');
  text($('start-reason'), startWhy ? `Start unavailable: ${startWhy}` : '');
  const testWhy = testPhotoBlocker(state, conn, ui);
  $('test-photo').disabled = Boolean(testWhy);
  text($('test-photo'), ui.busy.has('take_photo') ? 'Taking photo…' : 'Test photo');
  const lastPhoto = state.camera?.lastPhoto;
  text(
    $('test-reason'),
    testWhy ? `Test photo unavailable: ${testWhy}` : lastPhoto ? `Last test photo: ${basename(lastPhoto.file) ?? 'no file reported'} at ${formatClock(lastPhoto.triggeredAt)}` : '',
  );

  for (const f of ['interval', 'shots', 'title']) {
    const msg = ui.fieldErrors[f];
    show($(`f-${f}-err`), msg);
    text($(`f-${f}-err`), msg ?? '');
    $(`f-${f}`).setAttribute('aria-invalid', msg ? 'true' : 'false');
  }
  const tv = state.camera?.status?.tvSeconds;
  const warn = Number.isFinite(ui.draftInterval) && Number.isFinite(tv) && tv >= ui.draftInterval;
  show($('start-warning'), warn);
  text($('start-warning'), warn ? `The exposure (${state.camera.status.tv}) is not shorter than the interval: shots will be late or skipped.` : '');
}

function renderActivity(state) {
  const list = $('activity-list');
  const key = state.activity.map((e) => e.n).join(',');
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(
    ...state.activity.map((e) => {
      const li = document.createElement('li');
      li.className = e.level;
      const time = document.createElement('time');
      time.dateTime = new Date(e.at).toISOString();
      time.textContent = formatClock(e.at);
      li.append(time, ` ${e.text}${e.count > 1 ? ` (×${e.count})` : ''}`);
      return li;
    }),
  );
  if (!state.activity.length) {
    const li = document.createElement('li');
    li.textContent = 'Nothing yet.';
    list.append(li);
  }
}

/** The parts that change with time alone: the countdown, the reconnect countdown, the stale banner. */
export function tick(state, conn, now) {
  const link = $('link');
  link.dataset.phase = conn.phase === 'open' && !state.live ? 'connecting' : conn.phase;
  if (conn.phase === 'open') text(link, state.live ? 'Connected' : 'Syncing…');
  else if (conn.phase === 'connecting') text(link, conn.attempt ? `Reconnecting… (try ${conn.attempt + 1})` : 'Connecting…');
  else text(link, `Reconnecting in ${Math.max(0, Math.ceil((conn.retryAt - now) / 1000))} s`);

  const s = state.session;
  const stale = $('stale');
  show(stale, !state.live);
  text(
    stale,
    state.syncedAt
      ? `Not connected${conn.reason ? ` (${conn.reason})` : ''}. Showing state as of ${formatClock(state.syncedAt)}${s?.running ? '; a running session keeps shooting on its own' : ''}.`
      : `Not connected to the controller yet${conn.reason ? ` (${conn.reason})` : ''}.`,
  );

  const el = $('countdown');
  const label = $('countdown-label');
  if (!s) return;
  if (!s.running) {
    text(label, 'Session');
    text(el, s.state);
  } else if (s.state === 'shooting') {
    text(label, 'Now');
    text(el, `Shooting #${s.nextShotNumber}`);
  } else if (state.live) {
    const ms = msUntilNextShot(s, state.clockOffsetMs, now);
    text(label, `Next shot #${s.nextShotNumber}`);
    text(el, ms === null ? '—' : ms <= 0 ? 'now' : `in ${formatDuration(ms)}`);
  } else {
    // Not connected: the controller keeps its absolute grid, so the next slot can still be estimated.
    const slot = nextGridSlot(s, now + state.clockOffsetMs);
    text(label, slot ? `Next shot #${slot.number} (estimate, not connected)` : 'Not connected');
    text(el, slot ? `in ${formatDuration(slot.at - now - state.clockOffsetMs)}` : 'should have ended');
  }
}

/** The first slot of the session's grid still ahead at server time `serverNow`, or null past the planned end. */
function nextGridSlot(s, serverNow) {
  const ms = s.interval * 1000;
  const index = Math.max(s.nextShotNumber - 1, Math.ceil((serverNow - s.startedAt) / ms));
  if (s.totalShots && index >= s.totalShots) return null;
  return { number: index + 1, at: s.startedAt + index * ms };
}
