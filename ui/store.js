// The UI's one state store: a pure reducer fed by `welcome` and broadcasts (and the local `connection_lost`).
// Command replies never reach it; they only settle the request that caused them. No DOM, so Node tests import it.
import { explainError } from './explain.js';
import { basename, countsText, fileNames, formatDuration, formatGap, formatInterval, plural, skipReasonText } from './format.js';

export const ACTIVITY_LIMIT = 20;

/** Every broadcast the server can send (transport/protocol.ts BROADCAST_TYPES); a test keeps the two in step. */
export const HANDLED_BROADCASTS = [
  'camera_connected',
  'camera_disconnected',
  'camera_status',
  'photo_taken',
  'shot_updated',
  'orphan_files_found',
  'intervalometer_started',
  'intervalometer_update',
  'intervalometer_suspended',
  'intervalometer_resumed',
  'intervalometer_completed',
  'intervalometer_stopped',
  'intervalometer_held',
  'intervalometer_hold_ended',
  'unsaved_session_found',
  'report_saved',
  'report_updated',
  'session_discarded',
  'network_event',
  'time_sync_status',
  'power_status',
  'camera_ip_changed',
  'camera_setting_changed',
  'camera_clock_offset',
  'test_photo_progress',
  'test_photo_failed',
  'liveview_changed',
  'shutter_released',
];

export function initialState() {
  return {
    /** True between this socket's welcome and its loss; false means everything shown is stale. */
    live: false,
    /** Seq of the last welcome or broadcast applied; null before the first welcome. */
    lastSeq: null,
    /** When state was last confirmed by the server (local epoch ms), for the "stale since" label. */
    syncedAt: null,
    /** When this page lost the controller (local epoch ms); null while connected. */
    lostAt: null,
    clientId: null,
    availableCommands: [],
    /** serverTime − local time at welcome, added to Date.now() to read server wall labels. */
    clockOffsetMs: 0,
    camera: null,
    /** The session summary (SessionView); never its shot list. */
    session: null,
    unsaved: null,
    /** The Pi's WiFi link and AP (NetworkView), from the welcome and `network_event`. */
    network: null,
    /** The Pi's and the camera's clocks (TimeSyncView), from the welcome and `time_sync_status`. */
    timeSync: null,
    /** The Pi's battery, supply and temperature (PowerView), from the welcome and `power_status`. */
    power: null,
    /**
     * What only broadcasts tell about the shown session (no summary field carries it), or null: why it was suspended,
     * its last resume, slots skipped while the controller was down and not yet told by a resume, shots this page saw
     * recovered from the card, unmatched card files. Kept across a welcome for the same session.
     */
    note: null,
    /** Newest first; `n` increases with every entry written, so the app can spot new ones. */
    activity: [],
    activityN: 0,
  };
}

const emptyNote = (sessionId) => ({ sessionId, suspendReason: null, resumed: null, offlineSkips: 0, recovered: 0, orphans: 0 });

/**
 * Applies one server message (or `{type: 'connection_lost'}`) received at local time `now`. Returns the same object
 * when the message changes nothing: a duplicate or stale broadcast, a reply, or a broadcast before this socket's welcome.
 */
export function reduce(state, msg, now = Date.now()) {
  if (!msg || typeof msg !== 'object') return state;
  if (msg.type === 'welcome') return welcome(state, msg.data ?? {}, now);
  if (msg.type === 'connection_lost') {
    if (!state.live) return state;
    return log({ ...state, live: false, lostAt: now }, { at: now, level: 'warn', text: 'Lost the connection to the controller' });
  }
  if (typeof msg.seq !== 'number') return state; // operation_result, error: not state
  // Before this socket's welcome the store cannot know what it missed; welcome will replace everything anyway.
  if (!state.live || (state.lastSeq !== null && msg.seq <= state.lastSeq)) return state;
  const d = msg.data ?? {};
  const at = Date.parse(msg.timestamp) || now;
  const next = apply({ ...state, lastSeq: msg.seq, syncedAt: now }, msg.type, d, at);
  const entry = describe(state, msg.type, d);
  if (entry.amends) return amendShotLine(next, entry, at, msg.seq);
  return log(next, { ...entry, at, seq: msg.seq });
}

function welcome(state, d, now) {
  // A resumed connection carries no state: what this page holds stays, and the missed broadcasts follow in order.
  if (d.resumed === true && state.lastSeq !== null && d.seq === state.lastSeq) {
    const next = { ...state, live: true, syncedAt: now, clientId: d.clientId ?? null, clockOffsetMs: Number.isFinite(d.serverTime) ? d.serverTime - now : 0 };
    return log(next, { at: now, level: 'info', text: 'Reconnected; catching up on what was missed' });
  }
  const s = d.state ?? {};
  const session = s.intervalometer ?? null;
  const seq = typeof d.seq === 'number' ? d.seq : typeof s.seq === 'number' ? s.seq : null;
  const next = {
    ...state,
    live: true,
    lostAt: null,
    lastSeq: seq,
    syncedAt: now,
    clientId: d.clientId ?? null,
    availableCommands: Array.isArray(d.availableCommands) ? d.availableCommands : [],
    clockOffsetMs: Number.isFinite(d.serverTime) ? d.serverTime - now : 0,
    camera: s.camera ?? null,
    session,
    unsaved: s.unsavedSession ?? null,
    network: s.network ?? null,
    timeSync: s.timeSync ?? null,
    power: s.power ?? null,
    // What this page learnt from broadcasts about the same session stays true across a reconnect.
    note: session && state.note?.sessionId === session.sessionId ? state.note : null,
  };
  return log(next, { at: now, level: 'info', text: 'Connected to the controller; state synced' });
}

/** The note of session `id`, fresh when the note was about another session. */
const noteOf = (state, id) => (state.note?.sessionId === id ? state.note : emptyNote(id));

/**
 * A session summary from a broadcast. It replaces the shown session, except when it is about the unsaved session
 * only (the card check of an interrupted session): then it refreshes the unsaved banner and nothing else.
 */
function withSession(state, view) {
  if (!view) return state;
  const unsavedToo = state.unsaved?.sessionId === view.sessionId;
  const unsaved = unsavedToo ? { ...view, reason: state.unsaved.reason ?? 'interrupted' } : state.unsaved;
  if (unsavedToo && state.session?.sessionId !== view.sessionId) return { ...state, unsaved };
  const note = state.note && state.note.sessionId !== view.sessionId ? null : state.note;
  return { ...state, session: view, unsaved, note };
}

function apply(state, type, d, at) {
  switch (type) {
    case 'camera_connected':
    case 'camera_disconnected':
    case 'camera_status':
    case 'camera_ip_changed':
    case 'test_photo_progress':
    case 'test_photo_failed':
    case 'liveview_changed':
    case 'shutter_released':
      return d.camera ? { ...state, camera: d.camera } : state;
    case 'photo_taken':
      return withSession(d.camera ? { ...state, camera: d.camera } : state, d.session);
    case 'intervalometer_started':
      return { ...withSession(state, d.session), note: null };
    case 'intervalometer_completed':
    case 'intervalometer_stopped':
    case 'intervalometer_held':
    case 'intervalometer_hold_ended':
      return withSession(state, d.session);
    case 'shot_updated': {
      const next = withSession(state, d.session);
      if (!d.recovered || next.session?.sessionId !== d.sessionId) return next;
      const note = noteOf(next, d.sessionId);
      return { ...next, note: { ...note, recovered: note.recovered + 1 } };
    }
    case 'orphan_files_found': {
      if (state.session?.sessionId !== d.sessionId) return state;
      const note = noteOf(state, d.sessionId);
      return { ...state, note: { ...note, orphans: note.orphans + (Array.isArray(d.files) ? d.files.length : 0) } };
    }
    case 'intervalometer_update': {
      const next = withSession(state, d.session);
      const run = d.skipped;
      if (run?.reason !== 'controller_offline' || !d.session || next.session?.sessionId !== d.session.sessionId) return next;
      const note = noteOf(next, d.session.sessionId);
      return { ...next, note: { ...note, offlineSkips: note.offlineSkips + (run.count ?? 0) } };
    }
    case 'intervalometer_suspended': {
      const next = withSession(state, d.session);
      if (!d.session) return next;
      const note = noteOf(next, d.session.sessionId);
      return { ...next, note: { ...note, suspendReason: d.reason ?? null, resumed: null } };
    }
    case 'intervalometer_resumed': {
      const next = withSession(state, d.session);
      if (!d.session) return next;
      const note = noteOf(next, d.session.sessionId);
      // The slots skipped while the controller was down come as an intervalometer_update just before this.
      const skipped = Number.isFinite(d.skipped) ? d.skipped : note.offlineSkips;
      const resumed = { at, gapMs: d.gapMs ?? null, skipped, reanchored: Boolean(d.reanchored) };
      return { ...next, note: { ...note, suspendReason: null, offlineSkips: 0, resumed } };
    }
    case 'unsaved_session_found': {
      const u = d.unsavedSession ?? null;
      if (!u) return { ...state, unsaved: null };
      // A resumed session whose plan ran out while the controller was down: the shown session is that one too.
      const { reason: _reason, ...view } = u;
      return { ...state, unsaved: u, session: state.session?.sessionId === u.sessionId ? view : state.session };
    }
    case 'network_event':
      return d.network ? { ...state, network: d.network } : state;
    case 'time_sync_status':
      return d.pi ? { ...state, timeSync: { pi: d.pi, camera: d.camera ?? null } } : state;
    case 'power_status':
      return d.power ? { ...state, power: d.power } : state;
    case 'report_saved':
    case 'session_discarded': {
      const end = type === 'report_saved' ? 'saved' : 'discarded';
      return {
        ...state,
        unsaved: state.unsaved?.sessionId === d.sessionId ? null : state.unsaved,
        session: state.session?.sessionId === d.sessionId ? { ...state.session, state: end, running: false } : state.session,
      };
    }
    default:
      return state;
  }
}

/** An error in an activity line: the sentence for people; the code and message go to the entry's `detail`. */
const said = (e, baseUrl) => (e ? explainError(e, { baseUrl }).text : 'no reason given');
const detailOf = (e) => (e ? `${e.code ?? 'ERROR'}: ${e.message ?? ''}` : undefined);
const titleOf = (s) => (s?.title ? `“${s.title}”` : 'session');
const tally = (s) => countsText(s?.counts, ', ');
const suspendWhy = (reason) =>
  reason === 'shutdown' ? 'the controller was shut down' : reason === 'restart' ? 'the controller restarted and waits for you' : 'the controller was stopped';

/** The activity entry of one network fact (the seed's event names). */
function networkEntry(d) {
  switch (d.eventType) {
    case 'wifi_connection_started':
      return { level: 'info', text: `WiFi: joining ${d.ssid}` };
    case 'wifi_connected':
      return { level: 'ok', text: `WiFi: joined ${d.ssid}${d.ip ? ` (${d.ip})` : ''}` };
    case 'wifi_connection_failed':
      return { level: 'error', text: `WiFi: could not join ${d.ssid ?? 'the network'}: ${said(d.error)}` };
    case 'wifi_disconnected':
      return { level: d.reason === 'lost' ? 'warn' : 'info', text: `WiFi: left ${d.ssid ?? 'the network'} (${d.reason ?? 'disconnected'})` };
    case 'access_point_changed':
      return { level: 'info', text: `Access point: ${d.ap?.ssid ?? '—'}${d.ap?.active ? `, channel ${d.ap.channel ?? '—'}, ${plural(d.ap.clients ?? 0, 'client')}` : ' (off)'}` };
    case 'network_scan_complete':
      return { level: 'info', text: `WiFi scan: ${plural(d.networkCount ?? 0, 'network')}`, key: 'network_scan' };
    default:
      return { level: 'info', text: `Network: ${(d.eventType ?? 'status').replaceAll('_', ' ')}`, key: 'network_status' };
  }
}

/** The activity entry of one change of the clocks. */
function timeEntry(d) {
  const changes = Array.isArray(d.changes) ? d.changes : [];
  const pi = d.pi ?? {};
  if (changes.includes('stepped')) return { level: 'warn', text: `Pi clock set from ${pi.source ?? 'a source'}: moved ${Math.round(d.stepMs ?? 0)} ms` };
  if (changes.includes('step_deferred')) return { level: 'warn', text: `Pi clock is ${Math.round(pi.pendingStepMs ?? 0)} ms off; it is set after the session (labels only, the schedule is unaffected)` };
  if (changes.includes('camera_synced')) return { level: 'ok', text: `Camera clock set (${Math.round(d.camera?.offsetMs ?? 0)} ms from the Pi)` };
  if (changes.includes('camera_sync_failed')) return { level: 'error', text: `Camera clock not set: ${said(d.camera?.error)}` };
  const off = Number.isFinite(pi.offsetMs) ? `, ${Math.round(pi.offsetMs)} ms off` : '';
  return { level: 'info', text: `Time: ${pi.synchronized ? `synced from ${pi.source}` : (pi.state ?? 'unsynced')}${off}`, key: 'time_sync' };
}

/** The activity entry of one power reading; alerts first. */
function powerEntry(d) {
  const alerts = Array.isArray(d.alerts) ? d.alerts : [];
  const p = d.power ?? {};
  const battery = Number.isFinite(p.battery?.percent) ? `battery ${p.battery.percent} %` : 'no battery reading';
  const temp = Number.isFinite(p.temperatureC) ? `, ${p.temperatureC} °C` : '';
  if (alerts.includes('battery_floor')) return { level: 'error', text: `Controller battery at ${p.battery?.percent} %: a running session is stopped to keep its report` };
  if (alerts.includes('low_battery')) return { level: 'warn', text: `Controller battery low: ${battery}` };
  if (alerts.includes('under_voltage')) return { level: 'warn', text: 'Under-voltage: the Pi\'s supply sags' };
  if (alerts.length) return { level: 'warn', text: `Controller ${alerts.join(', ').replaceAll('_', ' ')}${temp}` };
  return { level: 'info', text: `Controller power: ${battery}${temp}`, key: 'power_status' };
}

/** The activity entry of one session shot. Taken frames share a key, so a run of them is one line that counts. */
function shotEntry(sessionId, shot) {
  const n = shot.number;
  const ref = { sessionId, number: n, files: shot.files ?? [], latenessMs: shot.latenessMs, recovered: Boolean(shot.recovered) };
  switch (shot.result) {
    case 'failed':
      return { level: 'error', text: `Shot #${n} failed: ${said(shot.error)}`, detail: detailOf(shot.error), shot: ref };
    case 'unknown':
      return { level: 'warn', text: `Shot #${n} unknown: the controller went down during the press; the card check will tell`, shot: ref };
    case 'skipped':
      return { level: 'warn', text: `Skipped shot #${n} (${skipReasonText(shot.reason)})`, shot: ref };
    default: {
      const late = shot.latenessMs > 0 ? `, ${Math.round(shot.latenessMs)} ms late` : '';
      const card = shot.recovered ? ' (confirmed by the card)' : '';
      return { level: 'ok', text: `Shot #${n}: ${fileNames(shot.files) ?? 'no file reported'}${late}${card}`, key: `shots:${sessionId}`, shot: ref };
    }
  }
}

/**
 * One broadcast → `{level, text, key?, shot?, amends?}` for the activity list. Entries with a `key` equal to the
 * newest's merge; `amends` names a shot whose existing line is rewritten instead of a new line being added.
 */
export function describe(state, type, d) {
  const cam = d.camera;
  const s = d.session;
  switch (type) {
    case 'camera_connected':
      return { level: 'ok', text: `Camera connected: ${cam?.info?.productname ?? 'camera'}${cam?.simulated ? ' (SIMULATED)' : ''}` };
    case 'camera_disconnected': {
      const why = d.reason ?? cam?.lastError;
      return { level: 'error', text: `Camera lost: ${said(why, cam?.baseUrl)}`, detail: detailOf(why) };
    }
    case 'camera_ip_changed':
      return { level: 'warn', text: `Camera moved from ${d.oldIP} to ${d.newIP}; reconnecting` };
    case 'camera_status': {
      const bad = cam && cam.state !== 'connected' && cam.lastError;
      const attempt = cam?.attempt ? ` (attempt ${cam.attempt})` : '';
      // While connected a status broadcast means battery, card or temperature changed: say what they are now.
      const text =
        cam?.state === 'connected'
          ? `Camera status: battery ${cam.status?.battery?.level || 'AC'}, temperature ${cam.status?.temperature ?? '—'}`
          : `Camera ${cam?.state ?? 'status'}${attempt}${bad ? `: ${said(cam.lastError, cam.baseUrl)}` : ''}`;
      return { level: cam?.state === 'offline' ? 'warn' : 'info', text, detail: bad ? detailOf(cam.lastError) : undefined, key: 'camera_status' };
    }
    case 'test_photo_progress':
      return { level: 'info', text: `Test photo: ${d.testPhoto?.stage?.replace('_', ' ') ?? 'in progress'}`, key: 'test_photo' };
    case 'test_photo_failed':
      return { level: 'error', text: `Test photo failed: ${said(d.error, cam?.baseUrl)}`, detail: detailOf(d.error) };
    case 'liveview_changed':
      return { level: 'info', text: `Live view ${d.on ? 'on' : `off (${d.reason})`}`, key: 'liveview' };
    case 'shutter_released':
      return { level: d.ok ? 'warn' : 'error', text: d.ok ? 'Released a shutter left open by a bulb exposure' : 'Could not release a shutter a bulb exposure may have left open' };
    case 'photo_taken': {
      if (d.photo || (!d.shot && d.sessionId == null)) {
        const p = d.photo ?? cam?.lastPhoto;
        const names = fileNames(p?.files);
        return names
          ? { level: 'ok', text: `Test photo: ${names}${Number.isFinite(p.latencyMs) ? ` (${Math.round(p.latencyMs)} ms)` : ''}` }
          : { level: 'warn', text: 'Test photo taken, but the camera reported no file' };
      }
      return d.shot ? shotEntry(d.sessionId, d.shot) : { level: 'info', text: 'Photo taken' };
    }
    case 'shot_updated': {
      const names = fileNames(d.files) ?? 'no file named';
      if (d.recovered) {
        const was = d.was ? ` (was ${d.was})` : '';
        return {
          level: 'ok',
          text: `Shot #${d.number} recovered from the card: ${names}${was}`,
          amends: { sessionId: d.sessionId, number: d.number, files: d.files ?? [], recovered: true },
        };
      }
      return {
        level: 'info',
        text: `Shot #${d.number}: more files arrived (${names})`,
        amends: { sessionId: d.sessionId, number: d.number, files: d.files ?? [], recovered: false },
      };
    }
    case 'orphan_files_found': {
      const files = Array.isArray(d.files) ? d.files : [];
      const names = files.slice(0, 3).map((f) => basename(f.path)).join(', ');
      const more = files.length > 3 ? ` and ${files.length - 3} more` : '';
      return { level: 'warn', text: `${plural(files.length, 'file')} on the card match no shot of this session: ${names}${more}` };
    }
    case 'intervalometer_started':
      return {
        level: 'ok',
        text: `Started ${titleOf(s)}: every ${formatInterval(s?.interval)}, ${s?.totalShots ? `${s.totalShots} shots` : 'unlimited'}`,
      };
    case 'intervalometer_update': {
      const run = d.skipped;
      if (run?.first && run.count > 0) {
        const first = run.first.number;
        const last = first + run.count - 1;
        return { level: 'warn', text: `Skipped shot${first === last ? ` #${first}` : `s #${first}–#${last}`} (${skipReasonText(run.reason)})` };
      }
      return { level: 'info', text: `Session ${s?.state ?? 'updated'}`, key: 'session_update' };
    }
    case 'intervalometer_suspended':
      return { level: 'warn', text: `Suspended ${titleOf(s)}: ${suspendWhy(d.reason)}; nothing is being shot (${tally(s)})` };
    case 'intervalometer_resumed': {
      const skipped = Number.isFinite(d.skipped)
        ? d.skipped
        : state.note?.sessionId === s?.sessionId
          ? (state.note?.offlineSkips ?? 0)
          : 0;
      return { level: 'warn', text: `Resumed ${titleOf(s)}: ${resumeText({ gapMs: d.gapMs, skipped, reanchored: d.reanchored })}` };
    }
    case 'intervalometer_held':
      return { level: 'warn', text: `Holding ${titleOf(s)}: ${skipReasonText(d.reason)}; slots pass unshot`, detail: detailOf(d.detail) };
    case 'intervalometer_hold_ended':
      return { level: 'info', text: `Shooting again after ${formatDuration(d.heldMs ?? 0)} (${skipReasonText(d.reason)}, ${d.skipped ?? 0} skipped)` };
    case 'intervalometer_completed':
      return { level: 'ok', text: `Completed ${titleOf(s)}: ${tally(s)}` };
    case 'intervalometer_stopped':
      return d.reason === 'failed'
        ? { level: 'error', text: `Session FAILED: ${said(d.error ?? s?.error)} (${tally(s)})`, detail: detailOf(d.error ?? s?.error) }
        : { level: 'info', text: `Stopped ${titleOf(s)}: ${tally(s)}` };
    case 'network_event':
      return networkEntry(d);
    case 'time_sync_status':
      return timeEntry(d);
    case 'power_status':
      return powerEntry(d);
    case 'unsaved_session_found': {
      const u = d.unsavedSession;
      const ran = u?.endedAt && u?.startedAt ? `, ran ${formatDuration(u.endedAt - u.startedAt)}` : '';
      return { level: 'warn', text: `Interrupted session found: ${titleOf(u)} (${tally(u)}${ran})` };
    }
    case 'report_saved': {
      const r = d.report;
      const counts = r && Number.isFinite(r.ok) ? ` (${countsText(r, ', ')})` : '';
      return { level: 'ok', text: `Saved as report${r?.title ? `: “${r.title}”` : ''}${counts}` };
    }
    case 'session_discarded':
      return { level: 'info', text: 'Session discarded (its log is kept; photos on the card are not deleted)' };
    case 'camera_setting_changed': {
      const st = d.setting;
      const who = d.source === 'camera' ? ' on the camera' : '';
      return { level: 'info', text: `${st?.name ?? 'Setting'} set to ${typeof st?.value === 'string' ? st.value : JSON.stringify(st?.value)}${who}`, key: `setting_${st?.name}` };
    }
    case 'camera_clock_offset': {
      const ms = d.clock?.offsetMs;
      const text = Number.isFinite(ms) ? `Camera clock is ${formatDuration(Math.abs(ms))} ${ms >= 0 ? 'ahead of' : 'behind'} the Pi` : 'Camera clock unreadable';
      return { level: Number.isFinite(ms) && Math.abs(ms) > 2_000 ? 'warn' : 'info', text, key: 'camera_clock_offset' };
    }
    case 'report_updated':
      return { level: 'info', text: `Report ${d.change ?? 'updated'}${d.report?.title ? `: “${d.report.title}”` : ''}` };
    default:
      return { level: 'warn', text: `Unknown event “${type}” (this page may be out of date)` };
  }
}

/** `after a gap of 12 min — 24 slots skipped while the controller was down`, for people. */
export function resumeText({ gapMs, skipped, reanchored }) {
  const slots = skipped > 0 ? `${plural(skipped, 'slot')} skipped while the controller was down` : 'no slot was missed';
  const clock = reanchored ? '; the clock went back, so the shot grid restarts from the resume' : '';
  return `after a gap of ${formatGap(gapMs)} — ${slots}${clock}`;
}

/** Prepends an activity entry, merging it into the newest one when both carry the same key. */
function log(state, entry) {
  const n = state.activityN + 1;
  const head = state.activity[0];
  if (entry.key && head?.key === entry.key) {
    const merged = { ...entry, n, count: head.count + 1 };
    return { ...state, activityN: n, activity: [merged, ...state.activity.slice(1)] };
  }
  return { ...state, activityN: n, activity: [{ ...entry, n, count: 1 }, ...state.activity].slice(0, ACTIVITY_LIMIT) };
}

/**
 * A shot was updated after its own line was written: one line per shot, so that line is rewritten. Late files are
 * routine: the line gets them where it stands, and nothing is written when the line is gone. A recovery is news: its
 * line moves to the top (or is written there when the shot had none).
 */
function amendShotLine(state, entry, at, seq) {
  const a = entry.amends;
  const i = state.activity.findIndex((e) => e.shot?.sessionId === a.sessionId && e.shot.number === a.number);
  const old = i >= 0 ? state.activity[i] : null;
  const files = [...new Set([...(old?.shot.files ?? []), ...a.files])];
  if (!a.recovered) {
    // A failed or unknown line is settled by a recovery, not by late files.
    if (!old || old.level !== 'ok') return state;
    const shot = { ...old.shot, files, result: 'ok' };
    const rewritten = { ...shotEntry(a.sessionId, shot), key: old.key, at: old.at, seq, n: state.activityN + 1, count: old.count };
    const activity = state.activity.slice();
    activity[i] = rewritten;
    return { ...state, activityN: rewritten.n, activity };
  }
  const ref = { sessionId: a.sessionId, number: a.number, files, latenessMs: old?.shot.latenessMs ?? null, recovered: true };
  // A merged run of taken frames stands for several shots: it stays, and the recovery gets its own line.
  const rest = old && old.count === 1 ? state.activity.filter((_, j) => j !== i) : state.activity;
  return log({ ...state, activity: rest }, { level: entry.level, text: entry.text, shot: ref, at, seq });
}
