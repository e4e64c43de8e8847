// The UI's one state store: a pure reducer fed by `welcome` and broadcasts (and the local `connection_lost`).
// Command replies never reach it; they only settle the request that caused them. No DOM, so Node tests import it.
import { basename, formatDuration, formatInterval } from './format.js';

export const ACTIVITY_LIMIT = 20;

/** Every broadcast the server can send (transport/protocol.ts BROADCAST_TYPES); a test keeps the two in step. */
export const HANDLED_BROADCASTS = [
  'camera_connected',
  'camera_disconnected',
  'camera_status',
  'photo_taken',
  'intervalometer_started',
  'intervalometer_update',
  'intervalometer_completed',
  'intervalometer_stopped',
  'unsaved_session_found',
  'report_saved',
  'session_discarded',
];

export function initialState() {
  return {
    /** True between this socket's welcome and its loss; false means everything shown is stale. */
    live: false,
    /** Seq of the last welcome or broadcast applied; null before the first welcome. */
    lastSeq: null,
    /** When state was last confirmed by the server (local epoch ms), for the "stale since" label. */
    syncedAt: null,
    clientId: null,
    availableCommands: [],
    /** serverTime − local time at welcome, added to Date.now() to read server wall labels. */
    clockOffsetMs: 0,
    camera: null,
    session: null,
    unsaved: null,
    /** Newest first; `n` increases with every entry written, so the app can spot new ones. */
    activity: [],
    activityN: 0,
  };
}

/**
 * Applies one server message (or `{type: 'connection_lost'}`) received at local time `now`. Returns the same object
 * when the message changes nothing: a duplicate or stale broadcast, a reply, or a broadcast before this socket's welcome.
 */
export function reduce(state, msg, now = Date.now()) {
  if (!msg || typeof msg !== 'object') return state;
  if (msg.type === 'welcome') return welcome(state, msg.data ?? {}, now);
  if (msg.type === 'connection_lost') {
    if (!state.live) return state;
    return log({ ...state, live: false }, { at: now, level: 'warn', text: 'Lost the connection to the controller' });
  }
  if (typeof msg.seq !== 'number') return state; // operation_result, error: not state
  // Before this socket's welcome the store cannot know what it missed; welcome will replace everything anyway.
  if (!state.live || (state.lastSeq !== null && msg.seq <= state.lastSeq)) return state;
  const next = { ...state, lastSeq: msg.seq, syncedAt: now };
  const at = Date.parse(msg.timestamp) || now;
  return log(apply(next, msg.type, msg.data ?? {}), { ...describe(state, msg.type, msg.data ?? {}), at, seq: msg.seq });
}

function welcome(state, d, now) {
  const s = d.state ?? {};
  const next = {
    ...state,
    live: true,
    lastSeq: typeof d.seq === 'number' ? d.seq : null,
    syncedAt: now,
    clientId: d.clientId ?? null,
    availableCommands: Array.isArray(d.availableCommands) ? d.availableCommands : [],
    clockOffsetMs: Number.isFinite(d.serverTime) ? d.serverTime - now : 0,
    camera: s.camera ?? null,
    session: s.intervalometer ?? null,
    unsaved: s.unsavedSession ?? null,
  };
  return log(next, { at: now, level: 'info', text: 'Connected to the controller; state synced' });
}

function apply(state, type, d) {
  switch (type) {
    case 'camera_connected':
    case 'camera_disconnected':
    case 'camera_status':
      return d.camera ? { ...state, camera: d.camera } : state;
    case 'photo_taken':
      return { ...state, ...(d.camera ? { camera: d.camera } : {}), ...(d.session ? { session: d.session } : {}) };
    case 'intervalometer_started':
    case 'intervalometer_update':
    case 'intervalometer_completed':
    case 'intervalometer_stopped':
      return d.session ? { ...state, session: d.session } : state;
    case 'unsaved_session_found':
      return { ...state, unsaved: d.unsavedSession ?? null };
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

const errText = (e) => (e ? `${e.code ?? 'ERROR'}: ${e.message ?? ''}` : 'no reason given');
const titleOf = (s) => (s?.title ? `“${s.title}”` : 'session');
const tally = (s) => `${s.shotsTaken} taken, ${s.shotsFailed} failed, ${s.shotsSkipped} skipped`;

/** One broadcast → `{level, text, key?}` for the activity list. Entries with a `key` equal to the newest's merge. */
export function describe(state, type, d) {
  const cam = d.camera;
  const s = d.session;
  switch (type) {
    case 'camera_connected':
      return { level: 'ok', text: `Camera connected: ${cam?.info?.productname ?? 'camera'}${cam?.simulated ? ' (SIMULATED)' : ''}` };
    case 'camera_disconnected':
      return { level: 'error', text: `Camera lost: ${errText(d.reason ?? cam?.lastError)}` };
    case 'camera_status': {
      const bad = cam && cam.state !== 'connected' && cam.lastError;
      const attempt = cam?.attempt ? ` (attempt ${cam.attempt})` : '';
      // While connected a status broadcast means battery, card or temperature changed: say what they are now.
      const text =
        cam?.state === 'connected'
          ? `Camera status: battery ${cam.status?.battery?.level || 'AC'}, temperature ${cam.status?.temperature ?? '—'}`
          : `Camera ${cam?.state ?? 'status'}${attempt}${bad ? `: ${errText(cam.lastError)}` : ''}`;
      return { level: cam?.state === 'offline' ? 'warn' : 'info', text, key: 'camera_status' };
    }
    case 'photo_taken': {
      if (d.photo || (!d.shot && d.sessionId === null)) {
        const p = d.photo ?? cam?.lastPhoto;
        return p?.file
          ? { level: 'ok', text: `Test photo: ${basename(p.file)} (${p.latencyMs} ms)` }
          : { level: 'warn', text: 'Test photo taken, but the camera reported no file' };
      }
      const shot = d.shot;
      if (!shot) return { level: 'info', text: 'Photo taken' };
      if (shot.result === 'failed') return { level: 'error', text: `Shot #${shot.number} failed: ${errText(shot.error)}` };
      const late = shot.latenessMs > 0 ? `, ${Math.round(shot.latenessMs)} ms late` : '';
      return { level: 'ok', text: `Shot #${shot.number}: ${basename(shot.file) ?? 'no file reported'}${late}`, key: `shots:${d.sessionId}` };
    }
    case 'intervalometer_started':
      return {
        level: 'ok',
        text: `Started ${titleOf(s)}: every ${formatInterval(s?.interval)}, ${s?.totalShots ? `${s.totalShots} shots` : 'unlimited'}`,
      };
    case 'intervalometer_update': {
      const skipped = d.skipped ?? [];
      if (skipped.length) {
        const first = skipped[0].number;
        const last = skipped[skipped.length - 1].number;
        return { level: 'warn', text: `Skipped shot${first === last ? ` #${first}` : `s #${first}–#${last}`} (too late to take)` };
      }
      if (s?.stopRequested) return { level: 'info', text: 'Stop requested: finishing the exposure in progress' };
      return { level: 'info', text: `Session ${s?.state ?? 'updated'}`, key: 'session_update' };
    }
    case 'intervalometer_completed':
      return { level: 'ok', text: `Completed ${titleOf(s)}: ${s ? tally(s) : ''}` };
    case 'intervalometer_stopped':
      return d.reason === 'failed'
        ? { level: 'error', text: `Session FAILED: ${errText(d.error ?? s?.error)} (${s ? tally(s) : ''})` }
        : { level: 'info', text: `Stopped ${titleOf(s)}: ${s ? tally(s) : ''}` };
    case 'unsaved_session_found': {
      const u = d.unsavedSession;
      const ran = u?.endedAt && u?.startedAt ? `, ran ${formatDuration(u.endedAt - u.startedAt)}` : '';
      return { level: 'warn', text: `Interrupted session found: ${titleOf(u)} (${u?.shotsTaken ?? 0} shots${ran})` };
    }
    case 'report_saved':
      return { level: 'ok', text: `Saved as report${d.report?.title ? `: “${d.report.title}”` : ''}` };
    case 'session_discarded':
      return { level: 'info', text: 'Interrupted session discarded' };
    default:
      return { level: 'warn', text: `Unknown event “${type}” (this page may be out of date)` };
  }
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
