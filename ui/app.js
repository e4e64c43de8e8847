// Wires the page: connection → store → render. Commands only settle their own request (busy flags, error toasts);
// everything they change on the controller comes back as a broadcast through the store.
import { createConnection } from './connection.js';
import { explainError } from './explain.js';
import { mountCamera } from './camera-panel.js';
import { countsText, formatClock } from './format.js';
import { mountPi } from './pi-panel.js';
import { mountPlan } from './plan-panel.js';
import { render, tick } from './render.js';
import { mountReports } from './reports-panel.js';
import { initialState, reduce } from './store.js';

const $ = (id) => document.getElementById(id);
const TOAST_LIMIT = 6;

let state = initialState();
const SHOTS_PAGE = 100;
/**
 * Page-local state, not the controller's: commands awaiting replies, form errors, the session this page asked to stop
 * (the stop during an exposure is only told in the reply), and the unsaved session's shot pages.
 */
const ui = { busy: new Set(), draftInterval: null, stopSentFor: null, shotPages: null, downHidden: false, openedAt: Date.now() };

const url = new URL('/ws', location.href);
url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';

/** The token from the link the server printed (`/?token=…`): kept on this phone, then taken out of the address bar. */
function pageToken() {
  const here = new URL(location.href);
  const fromUrl = here.searchParams.get('token');
  if (fromUrl) {
    localStorage.setItem('skylapse.token', fromUrl);
    here.searchParams.delete('token');
    history.replaceState(null, '', here.href);
  }
  return fromUrl ?? localStorage.getItem('skylapse.token');
}

const conn = createConnection({
  url: url.href,
  token: pageToken(),
  lastSeq: () => state.lastSeq,
  onMessage: (msg) => {
    if (msg.type === 'notice') return toast(msg.data?.level === 'error' ? 'error' : msg.data?.level === 'warn' ? 'warn' : 'info', 'Operator', msg.data?.message ?? '');
    if (msg.type === 'welcome' && msg.data?.insecure) toast('warn', 'No password', 'Anyone on this network can control the camera: start the server with --token');
    dispatch(msg);
  },
  onStatus: (status) => {
    if (status.phase !== 'open') dispatch({ type: 'connection_lost' });
    else ui.downHidden = false; // the next outage shows its screen again
    draw();
  },
  onProtocolError: (e) => toastError('The controller reported an error', e),
});

function dispatch(msg) {
  const before = state;
  state = reduce(state, msg, Date.now());
  for (const panel of [camera, reports]) panel.onMessage(msg);
  if (state === before) return;
  refreshShotPages(msg);
  followSlots(msg);
  for (const entry of state.activity) {
    if (entry.n > before.activityN && entry.level === 'error') toast('error', 'Controller', entry.text, entry.detail);
  }
  draw();
}

/** A listed shot of the unsaved session got files or was recovered from the card: the listed row follows. */
function refreshShotPages(msg) {
  const p = ui.shotPages;
  const d = msg.data;
  if (msg.type !== 'shot_updated' || !p || d?.sessionId !== p.sessionId) return;
  p.shots = p.shots.map((x) =>
    x.number === d.number
      ? { ...x, files: [...new Set([...x.files, ...(d.files ?? [])])], ...(d.recovered ? { result: 'ok', recovered: true, error: null } : {}) }
      : x,
  );
  p.version++;
}

/**
 * The shown session's slots for its charts: loaded a page at a time when the session (or a fresh welcome) shows up,
 * then kept by the broadcasts. Slot number → {result, reason, latenessMs}.
 */
const SLOT_PAGE = 500;
function followSlots(msg) {
  const s = state.session;
  if (!s) return;
  if (msg.type === 'welcome' || ui.slots?.sessionId !== s.sessionId) {
    loadSlots(s.sessionId);
    return;
  }
  const slots = ui.slots;
  const d = msg.data ?? {};
  const put = (number, slot) => slots.byNumber.set(number, { ...slots.byNumber.get(number), ...slot });
  if (msg.type === 'photo_taken' && d.sessionId === s.sessionId && d.shot) put(d.shot.number, d.shot);
  else if (msg.type === 'shot_updated' && d.sessionId === s.sessionId && d.recovered) put(d.number, { result: 'ok', recovered: true });
  else if (msg.type === 'intervalometer_update' && d.session?.sessionId === s.sessionId && d.skipped?.first) {
    for (let k = 0; k < d.skipped.count; k++) put(d.skipped.first.number + k, { result: 'skipped', reason: d.skipped.reason, latenessMs: null });
  } else return;
  slots.version++;
}

async function loadSlots(sessionId) {
  const slots = { sessionId, byNumber: new Map(), version: 0 };
  ui.slots = slots;
  for (let from = 1; from !== null && ui.slots === slots; ) {
    let reply;
    try {
      reply = await conn.request('get_session_shots', { sessionId, fromNumber: from, limit: SLOT_PAGE });
    } catch {
      return; // not connected any more: the next welcome loads again
    }
    if (ui.slots !== slots) return;
    // Broadcasts that arrived meanwhile are newer than the page: they win.
    for (const shot of reply.shots ?? []) if (!slots.byNumber.has(shot.number)) slots.byNumber.set(shot.number, shot);
    from = reply.nextFromNumber ?? null;
    slots.version++;
    draw();
  }
}

function draw() {
  render(state, conn.status, ui, Date.now());
  renderPlan(state, conn.status, ui);
  camera.render(state, conn.status, ui);
  reports.render(state, conn.status, ui);
  pi.render(state, conn.status, ui, Date.now());
}

/** Sends a command, marks it busy until its reply, and shows its error. Resolves with the reply's data, or null. */
async function run(type, data) {
  ui.busy.add(type);
  draw();
  try {
    return (await conn.request(type, data)) ?? {};
  } catch (e) {
    toastError(`${COMMAND_NAMES[type] ?? type} did not work`, e, type);
    return null;
  } finally {
    ui.busy.delete(type);
    draw();
  }
}

/** What people call the commands this page sends, for the titles of their error toasts. */
const COMMAND_NAMES = {
  start_intervalometer: 'Start',
  stop_intervalometer: 'Stop',
  take_photo: 'Test photo',
  resume_session: 'Resume',
  save_session_as_report: 'Save',
  discard_session: 'Discard',
  get_session_shots: 'Listing shots',
  take_test_photo: 'Test photo',
  get_liveview_frame: 'Live view',
  pause_intervalometer: 'Pause',
  resume_intervalometer: 'Resume',
  get_timelapse_reports: 'Listing reports',
  get_timelapse_report: 'Opening the report',
  update_report_title: 'Rename',
  delete_timelapse_report: 'Delete',
  restore_timelapse_report: 'Undo',
};

function detailText(e) {
  const issues = e.details?.issues;
  const more = Array.isArray(issues) ? issues.map((i) => `${i.path || 'data'}: ${i.message}`).join('; ') : '';
  return [`${e.code ?? 'ERROR'}: ${e.message ?? ''}`, more].filter(Boolean).join(' — ');
}

/** An error toast: the sentence for people, the code and message under its details toggle. */
function toastError(title, e, command) {
  const explained = explainError(e, { baseUrl: state.camera?.baseUrl, command });
  toast('error', title, explained.text, detailText(e));
}

// Toasts: errors stay until dismissed (nobody watches the screen all night); others fade after a few seconds.
function toast(level, title, message, detail) {
  const box = $('toasts');
  const key = `${level}|${title}|${message}|${detail ?? ''}`;
  const same = [...box.querySelectorAll('.toast')].find((t) => t.dataset.key === key);
  if (same) {
    const n = Number(same.dataset.count) + 1;
    same.dataset.count = String(n);
    same.querySelector('.count').textContent = ` (×${n})`;
    box.append(same);
    return;
  }
  const t = document.createElement('div');
  t.className = `toast ${level}`;
  t.setAttribute('role', level === 'error' ? 'alert' : 'status');
  t.dataset.key = key;
  t.dataset.count = '1';
  const body = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = title;
  const count = document.createElement('span');
  count.className = 'count';
  body.append(strong, count, document.createElement('br'), `${message} `);
  const time = document.createElement('time');
  time.textContent = formatClock(Date.now());
  body.append(time);
  if (detail) {
    const more = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = 'Details';
    const p = document.createElement('p');
    p.className = 'detail';
    p.textContent = detail;
    more.append(summary, p);
    body.append(more);
  }
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'small';
  close.textContent = '✕';
  close.setAttribute('aria-label', `Dismiss: ${title}`);
  close.addEventListener('click', () => {
    t.remove();
    updateDismissAll();
  });
  t.append(body, close);
  box.append(t);
  while (box.querySelectorAll('.toast').length > TOAST_LIMIT) box.querySelector('.toast').remove();
  if (level !== 'error') {
    setTimeout(() => {
      t.remove();
      updateDismissAll();
    }, 5000);
  }
  updateDismissAll();
}

// More than one toast: one button clears them all, so a pile of errors never hides the controls for long.
const dismissAll = document.createElement('button');
dismissAll.type = 'button';
dismissAll.className = 'small dismiss-all';
dismissAll.addEventListener('click', () => {
  for (const t of $('toasts').querySelectorAll('.toast')) t.remove();
  updateDismissAll();
});
function updateDismissAll() {
  const n = $('toasts').querySelectorAll('.toast').length;
  dismissAll.textContent = `Dismiss all ${n}`;
  if (n > 1) $('toasts').prepend(dismissAll);
  else dismissAll.remove();
  document.documentElement.style.setProperty('--toasts-h', `${$('toasts').offsetHeight}px`);
}

/** A night-friendly confirmation (window.confirm would flash a white dialog). Resolves true only on the OK button. */
function confirmDialog({ title, message, ok, cancel }) {
  const d = $('confirm');
  if (typeof d.showModal !== 'function') return Promise.resolve(window.confirm(`${title}\n\n${message}`));
  $('confirm-h').textContent = title;
  $('confirm-msg').textContent = message;
  $('confirm-ok').textContent = ok;
  $('confirm-cancel').textContent = cancel;
  d.returnValue = '';
  d.showModal();
  $('confirm-cancel').focus();
  return new Promise((resolve) => d.addEventListener('close', () => resolve(d.returnValue === 'ok'), { once: true }));
}

// The screens: Night (session, plan, activity), Camera, Reports, Pi (WiFi, clocks, health). One shows at a time; each loads what it shows.
const TABS = ['night', 'camera', 'reports', 'pi'];
function showTab(name) {
  for (const t of TABS) {
    $(`tab-${t}`).setAttribute('aria-selected', String(t === name));
    $(`view-${t}`).hidden = t !== name;
  }
  if (name === 'camera' && !ui.settings.list && state.camera?.state === 'connected') void camera.load();
  if (name === 'reports' && !ui.reports.list) void reports.load();
  if (name === 'pi') pi.load();
}
for (const t of TABS) $(`tab-${t}`).addEventListener('click', () => showTab(t));

const ctx = { run, request: (type, data) => conn.request(type, data), draw: () => draw(), ui, confirmDialog, showTab, state: () => state };
const renderPlan = mountPlan(ctx);
const camera = mountCamera(ctx);
const reports = mountReports(ctx);
const pi = mountPi(ctx);

$('pause-btn').addEventListener('click', () => run('pause_intervalometer'));
$('resume-btn').addEventListener('click', () => run('resume_intervalometer'));
$('open-report').addEventListener('click', () => state.session && reports.open(state.session.sessionId));

/** A session saved from this page opens as its report rather than vanishing. */
async function saveAndOpen(data) {
  const reply = await run('save_session_as_report', data);
  if (reply?.report) void reports.open(reply.report.id);
  return reply;
}

$('stop').addEventListener('click', async () => {
  const s = state.session;
  const stoppable = (x) => x?.running || x?.state === 'scheduled';
  if (!stoppable(s)) return;
  const planned = s.totalShots ? ` of ${s.totalShots}` : '';
  const ok = await confirmDialog(
    s.state === 'scheduled'
      ? { title: 'Cancel this plan?', message: `“${s.title || 'Session'}” has not started: nothing will be shot.`, ok: 'Cancel the plan', cancel: 'Keep it' }
      : {
          title: 'Stop this session?',
          message: `“${s.title || 'Session'}”: ${s.counts.ok}${planned} shots taken. The exposure in progress is finished, then shooting ends for good.`,
          ok: 'Stop session',
          cancel: 'Keep shooting',
        },
  );
  if (!ok || state.session?.sessionId !== s.sessionId || !stoppable(state.session)) return;
  const reply = await run('stop_intervalometer');
  // Stopped during an exposure: only the reply says so; the end-of-session broadcast follows the frame.
  if (reply?.session?.stopRequested) ui.stopSentFor = reply.session.sessionId;
  draw();
});

// A suspended session: nothing is shot until someone decides.
function suspendedSession() {
  const s = state.session;
  return s?.state === 'suspended' ? s : null;
}
$('session-resume').addEventListener('click', () => {
  const s = suspendedSession();
  if (s) run('resume_session', { sessionId: s.sessionId });
});
$('session-save').addEventListener('click', () => {
  const s = suspendedSession();
  if (s) saveAndOpen({ sessionId: s.sessionId });
});
$('session-discard').addEventListener('click', async () => {
  const s = suspendedSession();
  if (!s) return;
  const ok = await confirmDialog({
    title: 'Discard this session?',
    message: `“${s.title || 'Session'}” (${countsText(s.counts, ', ')}) will not be resumed nor kept as a report. Photos on the card are not deleted.`,
    ok: 'Discard',
    cancel: 'Keep it',
  });
  if (ok && suspendedSession()?.sessionId === s.sessionId) run('discard_session', { sessionId: s.sessionId });
});

$('unsaved-save').addEventListener('click', () => {
  const u = state.unsaved;
  if (!u) return;
  const title = $('unsaved-new-title').value.trim();
  saveAndOpen(title ? { sessionId: u.sessionId, title } : { sessionId: u.sessionId }).then((reply) => {
    if (reply) $('unsaved-new-title').value = '';
  });
});

$('unsaved-discard').addEventListener('click', async () => {
  const u = state.unsaved;
  if (!u) return;
  const ok = await confirmDialog({
    title: 'Discard this session?',
    message: `“${u.title || 'Session'}” (${countsText(u.counts, ', ')}) will not be kept as a report. Photos on the card are not deleted.`,
    ok: 'Discard',
    cancel: 'Keep it',
  });
  if (ok && state.unsaved?.sessionId === u.sessionId) run('discard_session', { sessionId: u.sessionId });
});

// The unsaved session's shots, a page at a time: the summary never carries them.
$('unsaved-shots-more').addEventListener('click', async () => {
  const u = state.unsaved;
  if (!u) return;
  if (ui.shotPages?.sessionId !== u.sessionId) ui.shotPages = { sessionId: u.sessionId, shots: [], next: 1, loading: false, version: 0 };
  const pages = ui.shotPages;
  if (pages.loading || pages.next === null) return;
  pages.loading = true;
  const reply = await run('get_session_shots', { sessionId: u.sessionId, fromNumber: pages.next, limit: SHOTS_PAGE });
  pages.loading = false;
  if (reply && ui.shotPages === pages && Array.isArray(reply.shots)) {
    pages.shots = pages.shots.concat(reply.shots);
    pages.next = reply.nextFromNumber ?? null;
    pages.version++;
  }
  draw();
});

// Dimmer: one more step down in brightness for dark-adapted eyes; remembered on this phone.
const setDim = (on) => {
  document.documentElement.classList.toggle('dim', on);
  $('dim').setAttribute('aria-pressed', String(on));
  try {
    localStorage.setItem('skylapse.dim', on ? '1' : '0');
  } catch {
    /* private mode */
  }
};
setDim((() => { try { return localStorage.getItem('skylapse.dim') === '1'; } catch { return false; } })());
$('dim').addEventListener('click', () => setDim(!document.documentElement.classList.contains('dim')));

// The controller-down screen: "try now" skips the backoff; "show last known state" folds it into the banner.
$('down-retry').addEventListener('click', () => conn.wake());
$('down-hide').addEventListener('click', () => {
  ui.downHidden = true;
  draw();
});

// A phone that slept or changed networks: reconnect now rather than at the end of the backoff.
document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && conn.wake());
window.addEventListener('online', () => conn.wake());
window.addEventListener('pageshow', (e) => e.persisted && conn.wake());

// Bugs in this page are errors too.
window.addEventListener('error', (e) => toast('error', 'Page error', e.message || String(e.error)));
window.addEventListener('unhandledrejection', (e) => toast('error', 'Page error', String(e.reason?.message ?? e.reason)));

setInterval(() => tick(state, conn.status, ui, Date.now()), 200);
conn.start();

// The offline shell (sw.js). Browsers allow it on secure origins only: HTTPS, or the Pi's own loopback.
if ('serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker.register('sw.js').catch((e) => toast('warn', 'Offline page unavailable', String(e?.message ?? e)));
}
