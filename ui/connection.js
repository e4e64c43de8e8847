// The WebSocket: reconnects by itself with capped, jittered exponential backoff, detects a silently dead link with an
// application-level ping, and correlates each command with its one reply by id.

export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 10_000;
export const PING_EVERY_MS = 15_000;
export const PING_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;
const SUBPROTOCOL = 'skylapse';
const UNAUTHORIZED = 4001;
const REQUEST_TIMEOUT_MS = 120_000; // a test photo may wait out a long exposure

/** Delay before reconnect attempt `attempt` (0-based): 0.5 s doubling to 10 s, uniformly jittered in [half, full]. */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}

/** A failed command: the server's `{code, message, details?}`, or a local code (DISCONNECTED, TIMEOUT, NOT_CONNECTED). */
export class RequestError extends Error {
  constructor(command, { code, message, details }) {
    super(message);
    this.name = 'RequestError';
    this.command = command;
    this.code = code;
    this.details = details;
  }
}

/**
 * @param {object} o
 * @param {string} o.url
 * @param {(msg: object) => void} o.onMessage welcome and broadcasts
 * @param {(status: object) => void} o.onStatus `{phase: 'connecting'|'open'|'waiting', attempt, retryAt, reason}`
 * @param {(error: {code, message, details?}) => void} o.onProtocolError an `error` no pending request claims
 * @param {string | null} [o.token] offered as the `skylapse.token.<token>` subprotocol (docs/protocol.md, Access)
 * @param {() => number | null} [o.lastSeq] the seq of the last broadcast applied: a reconnect resumes from it
 */
export function createConnection({ url, onMessage, onStatus, onProtocolError, token = null, lastSeq = () => null }) {
  let ws = null;
  let attempt = 0;
  let nextId = 1;
  let status = { phase: 'connecting', attempt: 0, retryAt: null, reason: null };
  const pending = new Map(); // id → {type, resolve, reject, timer}
  let retryTimer = null;
  let connectTimer = null;
  let pingTimer = null;
  let pingInFlight = false;

  const setStatus = (patch) => {
    status = { ...status, ...patch };
    onStatus(status);
  };

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    setStatus({ phase: 'connecting', retryAt: null });
    let sock;
    try {
      // Resume from the last applied broadcast: the server replays what was missed, then goes live.
      const since = lastSeq();
      const target = new URL(url);
      if (Number.isInteger(since)) target.searchParams.set('since', String(since));
      sock = new WebSocket(target.href, token ? [SUBPROTOCOL, `${SUBPROTOCOL}.token.${token}`] : undefined);
    } catch (e) {
      drop(`cannot open ${url}: ${e.message}`);
      return;
    }
    ws = sock;
    connectTimer = setTimeout(() => drop('connection attempt timed out'), CONNECT_TIMEOUT_MS);
    sock.onopen = () => {
      if (sock !== ws) return;
      clearTimeout(connectTimer);
      setStatus({ phase: 'open', reason: null });
      pingTimer = setInterval(ping, PING_EVERY_MS);
    };
    sock.onmessage = (ev) => sock === ws && receive(ev.data);
    sock.onerror = () => sock === ws && drop('connection error');
    sock.onclose = (ev) => sock === ws && drop(ev.code === UNAUTHORIZED ? 'the controller refused this page\'s token (open the link it printed at start)' : `connection closed, code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''}`);
  }

  /** Forgets the socket at once (a dead link may take minutes to report its close), fails what waited on it, retries. */
  function drop(reason) {
    const sock = ws;
    ws = null;
    clearTimeout(connectTimer);
    clearInterval(pingTimer);
    pingInFlight = false;
    if (sock) {
      sock.onopen = sock.onmessage = sock.onerror = sock.onclose = null;
      try {
        sock.close();
      } catch {
        /* already closed */
      }
    }
    for (const [id, p] of pending) settle(id, p, new RequestError(p.type, { code: 'DISCONNECTED', message: `Connection lost (${reason}) before ${p.type} was answered; it may or may not have run` }));
    const delay = backoffDelay(attempt);
    attempt++;
    setStatus({ phase: 'waiting', attempt, retryAt: Date.now() + delay, reason });
    retryTimer = setTimeout(connect, delay);
  }

  function settle(id, p, error, data) {
    pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(data);
  }

  function receive(raw) {
    const t2 = Date.now(); // time sync: stamped on arrival, before any parsing
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      onProtocolError({ code: 'BAD_FRAME', message: 'The server sent a frame that is not JSON' });
      return;
    }
    if (msg?.type === 'operation_result' || msg?.type === 'error') {
      const p = msg.id === undefined ? undefined : pending.get(msg.id);
      if (p && msg.type === 'error') settle(msg.id, p, new RequestError(p.type, msg.data ?? { code: 'ERROR', message: 'Unknown error' }));
      else if (p) settle(msg.id, p, null, msg.data);
      else if (msg.type === 'error') onProtocolError(msg.data ?? { code: 'ERROR', message: 'Unknown error' });
      return;
    }
    if (msg?.type === 'time-sync-request') {
      answerTimeRequest(msg.data, t2);
      return;
    }
    if (msg?.type === 'welcome') {
      attempt = 0; // success: the next loss starts the backoff again from 0.5 s
      setStatus({ attempt: 0 });
    }
    onMessage(msg);
  }

  /** The phone is the Pi's time source: answer at once, t3 stamped last (docs/protocol.md, time sync). */
  function answerTimeRequest(d, t2) {
    if (!ws || status.phase !== 'open' || typeof d?.requestId !== 'string' || !Number.isFinite(d?.t1)) return;
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    ws.send(JSON.stringify({ type: 'time-sync-response', data: { requestId: d.requestId, t1: d.t1, t2, t3: Date.now(), ...(timezone ? { timezone } : {}) } }));
  }

  /** Sends one command; resolves with the operation_result's data or rejects with a RequestError. */
  function request(type, data, { timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
    if (!ws || status.phase !== 'open') {
      return Promise.reject(new RequestError(type, { code: 'NOT_CONNECTED', message: `Not connected to the controller; ${type} was not sent` }));
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const p = { type, resolve, reject, timer: null };
      p.timer = setTimeout(() => settle(id, p, new RequestError(type, { code: 'TIMEOUT', message: `No reply to ${type} within ${timeoutMs / 1000} s` })), timeoutMs);
      pending.set(id, p);
      ws.send(JSON.stringify(data === undefined ? { type, id } : { type, id, data }));
    });
  }

  function ping() {
    if (pingInFlight || status.phase !== 'open') return;
    pingInFlight = true;
    const sock = ws;
    request('ping', undefined, { timeoutMs: PING_TIMEOUT_MS }).then(
      () => (pingInFlight = false),
      (e) => {
        pingInFlight = false;
        if (e.code === 'TIMEOUT' && sock === ws) drop(`no reply to ping within ${PING_TIMEOUT_MS / 1000} s`);
      },
    );
  }

  /** The page became visible or the network came back: retry now, or check the open link is still alive. */
  function wake() {
    if (status.phase === 'waiting') connect();
    else if (status.phase === 'open') ping();
  }

  return {
    /** Opens the first connection; from then on the connection keeps itself up. */
    start: connect,
    request,
    wake,
    get status() {
      return status;
    },
  };
}
