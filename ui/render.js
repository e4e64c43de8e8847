// Draws the store's state into the static elements of index.html. Text only goes in through textContent.
import {
  countsText,
  describeBattery,
  describeStorage,
  fileNames,
  formatClock,
  formatDateTime,
  formatDuration,
  formatInterval,
  msUntilNextShot,
  plural,
  shotRowText,
} from './format.js';
import { lineChart, percentile, slotStrip, stripCounts } from './charts.js';
import { svgNode } from './dom.js';
import { explainError } from './explain.js';
import { resumeText } from './store.js';
import { batteryFraction, cardFraction, holdView } from './plan.js';

const $ = (id) => document.getElementById(id);
const show = (el, on) => (el.hidden = !on);
const text = (el, t) => {
  if (el.textContent !== t) el.textContent = t;
};
const flag = (el, cls, on) => el.classList.toggle(cls, Boolean(on));
const errText = (e) => (e ? `${e.code ?? 'ERROR'}: ${e.message ?? ''}` : '');
/** Shows an error box: the sentence for people in `<id>-text`, code and message under its details toggle. */
function showError(id, error, baseUrl, prefix = '') {
  show($(id), error);
  const explained = error ? explainError(error, { baseUrl }) : null;
  text($(`${id}-text`), explained ? `${prefix}${explained.text}` : '');
  text($(`${id}-detail`), error ? errText(error) : '');
}
/** A level bar: its fill's width is the fraction; no fraction (AC power, unknown) hides it. */
function bar(id, fraction) {
  const el = $(id);
  show(el.parentElement, fraction !== null);
  if (fraction !== null) el.style.width = `${Math.round(fraction * 100)}%`;
}
/** How long the controller must have been out of reach before its screen covers the page (a blip is not news). */
const DOWN_SCREEN_AFTER_MS = 3000;

/** Commands that decide what becomes of a suspended session; one at a time. */
const SUSPENDED_COMMANDS = ['resume_session', 'save_session_as_report', 'discard_session'];

export function render(state, conn, ui, now) {
  const cam = state.camera;
  const stale = !state.live;
  document.body.classList.toggle('stale', stale);

  // Header: camera.
  show($('sim-badge'), cam?.simulated);
  show($('net-sim-badge'), state.network?.backend === 'sim');
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
  bar('cam-battery-bar', st ? batteryFraction(st.battery) : null);
  bar('cam-card-bar', st ? cardFraction(st.storage) : null);
  text($('cam-temp'), st?.temperature ?? '—');
  flag($('cam-temp'), 'bad', st?.temperature && st.temperature !== 'normal');
  text($('cam-tv'), st?.tv ?? '—');
  showError('cam-error', cam && cam.state !== 'connected' ? cam.lastError : null, cam?.baseUrl);

  renderUnsaved(state, conn, ui);
  renderSession(state, conn, ui, now);
  renderCharts(state, ui);
  renderActivity(state);
  tick(state, conn, ui, now);
}

function renderUnsaved(state, conn, ui) {
  const u = state.unsaved;
  show($('unsaved'), u);
  if (!u) return;
  text($('unsaved-title'), u.title || '(untitled)');
  text($('unsaved-shots'), `${countsText(u.counts)}${u.totalShots ? ` of ${u.totalShots}` : ''}`);
  text($('unsaved-start'), formatDateTime(u.startedAt));
  text($('unsaved-end'), u.endedAt ? `${formatDateTime(u.endedAt)} (${formatDuration(u.endedAt - u.startedAt)})` : '—');
  const off = !state.live || conn.phase !== 'open' || ui.busy.has('save_session_as_report') || ui.busy.has('discard_session');
  $('unsaved-save').disabled = off;
  $('unsaved-discard').disabled = off;
  text($('unsaved-save'), ui.busy.has('save_session_as_report') ? 'Saving…' : 'Save as report');
  renderShotPages(ui.shotPages?.sessionId === u.sessionId ? ui.shotPages : null, state, conn);
}

/** The unsaved session's shot list, paged with get_session_shots; nothing is listed until asked for. */
function renderShotPages(pages, state, conn) {
  const list = $('unsaved-shot-list');
  const more = $('unsaved-shots-more');
  const shots = pages?.shots ?? [];
  show(list, shots.length > 0);
  const key = `${pages?.sessionId ?? ''}:${pages?.version ?? 0}`;
  if (list.dataset.key !== key) {
    list.dataset.key = key;
    list.replaceChildren(
      ...shots.map((shot) => {
        const li = document.createElement('li');
        li.className = shot.result === 'ok' ? 'ok' : shot.result === 'failed' ? 'error' : 'warn';
        li.textContent = shotRowText(shot);
        return li;
      }),
    );
  }
  const done = pages && pages.next === null;
  show(more, !done);
  more.disabled = !state.live || conn.phase !== 'open' || Boolean(pages?.loading);
  text(more, pages?.loading ? 'Loading shots…' : shots.length ? `More shots (from #${pages.next})` : 'Show shots');
  const summary = $('unsaved-shots-summary');
  show(summary, shots.length > 0);
  const recovered = shots.filter((x) => x.recovered).length;
  text(summary, shots.length ? `Listing ${plural(shots.length, 'slot')}${done ? ' (all)' : ''}${recovered ? `; ${recovered} recovered from the card` : ''}.` : '');
}

function renderSession(state, conn, ui, now) {
  const s = state.session;
  show($('session'), s);
  if (!s) return;
  const c = s.counts ?? { ok: 0, failed: 0, skipped: 0, unknown: 0 };
  const note = state.note?.sessionId === s.sessionId ? state.note : null;
  const stopping = s.running && (s.stopRequested || ui.stopSentFor === s.sessionId);
  const suspended = s.state === 'suspended';
  text($('session-title'), s.title || 'Session');
  const stateEl = $('session-state');
  text(stateEl, stopping ? 'stopping' : s.state);
  stateEl.dataset.state = s.state;
  text($('session-shots'), `${c.ok} / ${s.totalShots ?? '∞'}`);
  text($('session-failed'), String(c.failed));
  flag($('session-failed'), 'bad', c.failed > 0);
  text($('session-skipped'), String(c.skipped));
  flag($('session-skipped'), 'bad', c.skipped > 0);
  // Unknown and recovered only where they happened: most nights have neither.
  show($('session-unknown-cell'), c.unknown > 0);
  text($('session-unknown'), String(c.unknown));
  flag($('session-unknown'), 'bad', c.unknown > 0);
  show($('session-recovered-cell'), note?.recovered > 0);
  text($('session-recovered'), note?.recovered ? `${note.recovered} from the card` : '0');
  text($('session-interval'), formatInterval(s.interval));
  text($('session-started'), formatClock(s.startedAt));
  text($('session-end-label'), s.endedAt ? 'Ended' : 'Ends');
  text($('session-end'), s.endedAt ? formatClock(s.endedAt) : plannedEnd(s) ? `~${formatClock(plannedEnd(s))}` : suspended ? 'when resumed' : 'when stopped');
  show($('session-left-cell'), s.running && plannedEnd(s));
  const progress = $('session-progress');
  show(progress, s.totalShots);
  if (s.totalShots) progress.value = Math.min(1, (c.ok + c.failed + c.skipped + c.unknown) / s.totalShots);
  const last = s.lastShot;
  text($('session-file'), last ? lastShotText(last) : '—');
  text($('session-late'), last?.latenessMs != null ? `${Math.round(last.latenessMs)} ms` : '—');
  flag($('session-late'), 'bad', last?.latenessMs > s.interval * 250);
  text($('session-latency'), last?.latencyMs != null ? `${Math.round(last.latencyMs)} ms` : '—');
  const err = s.error ?? (last?.result === 'failed' ? last.error : null);
  showError('session-error', err, state.camera?.baseUrl, err && !s.error ? `Shot #${last.number} failed. ` : '');
  show($('session-unknown-note'), c.unknown > 0);
  text(
    $('session-unknown-note'),
    c.unknown > 0
      ? `${plural(c.unknown, 'shot')} unknown: the controller went down during the press. A frame the card shows is recovered; the rest stay unknown.`
      : '',
  );

  // After a gap: said plainly, for as long as this session is shown (also to a phone that connected after it).
  const resumed = note?.resumed ?? s.lastResume ?? null;
  show($('session-resumed'), resumed);
  text($('session-resumed'), resumed ? `Resumed at ${formatClock(resumed.at)} ${resumeText(resumed)}.` : '');

  const box = $('session-suspended');
  show(box, suspended);
  if (suspended) {
    const why = note?.suspendReason === 'shutdown' ? 'The controller was shut down (stop or reboot).' : note?.suspendReason === 'restart' ? 'The controller restarted and waits for your decision.' : '';
    text($('session-suspended-why'), `${why} ${countsText(c)} so far. Resume shoots on the session's grid; slots missed meanwhile are skipped.`.trim());
    const off = !state.live || conn.phase !== 'open' || SUSPENDED_COMMANDS.some((t) => ui.busy.has(t));
    for (const id of ['session-resume', 'session-save', 'session-discard']) $(id).disabled = off;
    text($('session-resume'), ui.busy.has('resume_session') ? 'Resuming…' : 'Resume');
    text($('session-save'), ui.busy.has('save_session_as_report') ? 'Saving…' : 'Save as report');
  }

  // Scheduled, paused, waiting for the camera, held: what is true, and what the user can do.
  const hold = state.live ? holdView(s, now + state.clockOffsetMs) : null;
  const linkUp = state.live && conn.phase === 'open';
  const pausable = s.running && s.state !== 'scheduled' && !s.hold && !stopping;
  show($('pause-btn'), pausable);
  $('pause-btn').disabled = !linkUp || ui.busy.has('pause_intervalometer');
  show($('resume-btn'), s.running && hold?.action === 'resume');
  $('resume-btn').disabled = !linkUp || ui.busy.has('resume_intervalometer');
  // Every finished session is a report at once: it opens rather than vanishes.
  show($('open-report'), !s.running && ['completed', 'stopped', 'failed', 'saved'].includes(s.state));

  const stop = $('stop');
  const scheduled = s.state === 'scheduled';
  show(stop, s.running || scheduled);
  stop.disabled = !state.live || conn.phase !== 'open' || stopping || ui.busy.has('stop_intervalometer');
  text(stop, stopping ? 'Stopping after this exposure…' : ui.busy.has('stop_intervalometer') ? 'Stopping…' : scheduled ? 'Cancel this plan…' : 'Stop session…');

  const next = s.running && s.nextShotNumber ? ` Next shot number ${s.nextShotNumber} at ${formatClock(s.nextShotAt)}.` : '';
  const unknown = c.unknown ? `, ${c.unknown} unknown` : '';
  const held = suspended ? ' Nothing is being shot: resume, save or discard it.' : '';
  text($('session-announce'), `${s.title || 'Session'} ${s.state}. ${c.ok} shots taken, ${c.failed} failed${unknown}.${next}${held}`);
}

/** The shown session's slot strip and lateness line, redrawn only when its slots changed. */
function renderCharts(state, ui) {
  const s = state.session;
  const slots = s && ui.slots?.sessionId === s.sessionId ? ui.slots : null;
  const box = $('session-charts');
  show(box, slots && slots.byNumber.size > 0);
  if (!slots || slots.byNumber.size === 0) return;
  const seen = Math.max(0, ...slots.byNumber.keys());
  const total = s.totalShots ?? Math.max(seen, (s.nextShotNumber ?? 1) - 1);
  const key = `${s.sessionId}:${slots.version}:${total}`;
  if (box.dataset.key === key) return;
  box.dataset.key = key;

  const strip = svgNode(slotStrip(slots.byNumber, total));
  const c = stripCounts(slots.byNumber, total);
  const legend = [`${c.ok} taken`, c.failed && `${c.failed} failed`, c.unknown && `${c.unknown} unknown`, c.skipped && `${c.skipped} skipped`, c.held && `${c.held} held or offline`, s.totalShots && c.pending && `${c.pending} to go`]
    .filter(Boolean)
    .join(' · ');
  strip.setAttribute('aria-label', `Slots of the session: ${legend}`);
  $('session-strip').replaceChildren(strip);
  text($('strip-legend'), legend);

  const late = [...slots.byNumber.entries()].filter(([, x]) => x.result === 'ok' && Number.isFinite(x.latenessMs)).sort((a, b) => a[0] - b[0]);
  const chart = lineChart(late.map(([number, x]) => ({ x: number, y: x.latenessMs })));
  const values = late.map(([, x]) => x.latenessMs);
  const ms = (v) => (v === null ? '—' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
  const lateText = values.length ? `p50 ${ms(percentile(values, 50))} · p99 ${ms(percentile(values, 99))} · max ${ms(Math.max(...values))}` : 'no frame yet';
  const svg = svgNode(chart.tree);
  svg.setAttribute('aria-label', `Trigger lateness per shot: ${lateText}`);
  $('session-late-chart').replaceChildren(svg);
  text($('late-legend'), lateText);
}

/** The last slot for the "Last file" cell: its files, or what became of it. */
function lastShotText(last) {
  if (last.result === 'ok') return `${fileNames(last.files) ?? 'no file reported'}${last.recovered ? ' (confirmed by the card)' : ''}`;
  return `#${last.number} ${last.result}`;
}

/** Wall-clock label of the last planned slot, from the next slot's label (the grid may have been re-anchored). */
function plannedEnd(s) {
  if (Number.isFinite(s.endAt)) return s.endAt;
  if (!s.totalShots) return null;
  const ms = s.interval * 1000;
  if (s.running && s.nextShotNumber != null && s.nextShotAt != null) return s.nextShotAt + (s.totalShots - s.nextShotNumber) * ms;
  return s.startedAt + (s.totalShots - 1) * ms;
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
      if (e.detail) {
        const more = document.createElement('details');
        const summary = document.createElement('summary');
        summary.textContent = 'Details';
        more.append(summary, e.detail);
        li.append(more);
      }
      return li;
    }),
  );
  if (!state.activity.length) {
    const li = document.createElement('li');
    li.textContent = 'Nothing yet.';
    list.append(li);
  }
}

/** The parts that change with time alone: the countdowns, the stale banner, the controller-down screen. */
export function tick(state, conn, ui, now) {
  const link = $('link');
  link.dataset.phase = conn.phase === 'open' && !state.live ? 'connecting' : conn.phase;
  if (conn.phase === 'open') text(link, state.live ? 'Controller up' : 'Syncing…');
  else if (conn.phase === 'connecting') text(link, conn.attempt ? `Controller: reconnecting… (try ${conn.attempt + 1})` : 'Connecting…');
  else text(link, `Controller down: retry in ${Math.max(0, Math.ceil((conn.retryAt - now) / 1000))} s`);

  const s = state.session;
  const stale = $('stale');
  show(stale, !state.live);
  // Nothing here may reassure: from the phone, a dead controller and a lost WiFi link look the same.
  text(
    stale,
    state.syncedAt
      ? `Controller out of reach since ${formatClock(state.lostAt ?? state.syncedAt)}. Showing what was true then; nothing below is live.`
      : `Not connected to the controller yet${conn.reason ? ` (${conn.reason})` : ''}.`,
  );
  renderDown(state, conn, ui, now);

  const el = $('countdown');
  const label = $('countdown-label');
  if (!s) return;
  // A suspended session has no next shot: its own box says so, with the decisions it waits for.
  show($('countdown-wrap'), s.state !== 'suspended');
  if (!state.live) {
    // Out of reach: whether anything is being shot is unknown, so no countdown pretends it is.
    text(label, s.running ? 'Next shot' : 'Session');
    text(el, s.running ? 'unknown (not connected)' : s.state);
  } else if (s.state === 'scheduled') {
    const ms = s.startedAt - now - state.clockOffsetMs;
    text(label, 'Starts');
    text(el, ms <= 0 ? 'now' : `in ${formatDuration(ms)}`);
  } else if (!s.running) {
    text(label, 'Session');
    text(el, s.state);
  } else if (s.hold) {
    text(label, `Next shot #${s.nextShotNumber ?? '—'}`);
    text(el, s.state === 'paused' ? 'paused' : 'on hold');
  } else if (s.state === 'shooting') {
    text(label, 'Now');
    text(el, `Shooting #${s.nextShotNumber}`);
  } else {
    const ms = msUntilNextShot(s, state.clockOffsetMs, now);
    text(label, `Next shot #${s.nextShotNumber}`);
    text(el, ms === null ? '—' : ms <= 0 ? 'now' : `in ${formatDuration(ms)}`);
  }
  // Scheduled, paused, waiting for the camera, held: what is true, and what the user can do (with its countdown).
  const hold = state.live ? holdView(s, now + state.clockOffsetMs) : null;
  show($('session-hold'), hold);
  text($('session-hold-title'), hold?.title ?? '');
  text($('session-hold-text'), hold?.text ?? '');
  const end = state.live && s.running ? plannedEnd(s) : null;
  text($('session-left'), end ? formatDuration(end - now - state.clockOffsetMs) : '—');
}

/** The page's own "controller down" screen, over everything once the controller has been out of reach a moment. */
function renderDown(state, conn, ui, now) {
  const since = state.lostAt ?? (state.syncedAt === null ? ui.openedAt : null);
  const down = conn.phase !== 'open' && since !== null && now - since >= DOWN_SCREEN_AFTER_MS;
  show($('down'), down && !ui.downHidden);
  document.body.classList.toggle('down', down && !ui.downHidden);
  if (!down) return;
  const retry = conn.phase === 'waiting' ? `next try in ${Math.max(0, Math.ceil((conn.retryAt - now) / 1000))} s` : 'trying now';
  text($('down-try'), `This phone cannot reach the skylapse controller${conn.reason ? ` (${conn.reason})` : ''} — ${retry}.`);
  const s = state.session;
  text(
    $('down-last'),
    state.syncedAt
      ? `Last heard from it at ${formatClock(state.lostAt ?? state.syncedAt)}${s ? `: “${s.title || 'Session'}” ${s.state}, ${countsText(s.counts)}` : ''}.`
      : 'It has not answered since this page opened.',
  );
}
