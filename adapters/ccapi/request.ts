// Plain node:http/node:https requests for the camera adapters (the CCAPI client and SSDP description fetches),
// instead of the `undici` package: loading undici cost about 20 MB of RSS and 90 ms of start-up on every run, and
// its cookie module touched `globalThis.Headers`, which loaded Node's own bundled fetch as well (bench, README).
// What undici gave that node:http lacks is added here: a connect timeout (TCP and TLS handshake) and keep-alive
// sockets that go before the server's announced `Keep-Alive: timeout`.

import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

/** The `code` of the error a request fails with when its connection is not made within the connect timeout. */
export const CONNECT_TIMEOUT_CODE = 'CCAPI_CONNECT_TIMEOUT';

export interface AgentOptions {
  secure: boolean;
  /** Sockets at once to one host:port (the camera allows few connections: docs/camera-notes.md §1). */
  maxSockets: number;
  /** TCP connect plus, over https, the TLS handshake. */
  connectTimeoutMs: number;
  /**
   * How long an idle socket is kept for the next request. A server's `Keep-Alive: timeout=N` hint shortens it to
   * N − 1 s (node's http.Agent), so the socket goes before the server closes it under a request.
   */
  idleMs: number;
  /** https only: false accepts a self-signed certificate, on this agent's connections only. */
  rejectUnauthorized?: boolean;
}

/** A keep-alive agent whose new connections fail with CONNECT_TIMEOUT_CODE when not made in time. */
export function keepAliveAgent(o: AgentOptions): http.Agent {
  const common = { keepAlive: true, maxSockets: o.maxSockets, maxFreeSockets: o.maxSockets, timeout: o.idleMs, scheduling: 'lifo' as const };
  const agent = o.secure ? new https.Agent({ ...common, rejectUnauthorized: o.rejectUnauthorized ?? true }) : new http.Agent(common);
  const create = agent.createConnection.bind(agent) as (options: unknown, callback?: unknown) => Duplex | null | undefined;
  const connected = o.secure ? 'secureConnect' : 'connect';
  agent.createConnection = ((options: unknown, callback?: unknown) => {
    const socket = create(options, callback);
    if (socket) {
      const timer = setTimeout(() => {
        const err = Object.assign(new Error(`connect timed out after ${o.connectTimeoutMs} ms`), { code: CONNECT_TIMEOUT_CODE });
        socket.destroy(err);
      }, o.connectTimeoutMs);
      const done = () => clearTimeout(timer);
      socket.once(connected, done);
      socket.once('close', done);
    }
    return socket;
  }) as typeof agent.createConnection;
  return agent;
}

export interface RawRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Fails the request with RequestTimeoutError when the whole answer is not in by then. */
  timeoutMs?: number;
  /** Any of these aborting cancels the request (an AbortError). Plain listeners: no AbortSignal.any per request. */
  signals?: (AbortSignal | undefined)[];
  /** Refuses (and cuts off) a body longer than this many bytes. */
  maxBytes?: number;
  /** Keep the body as bytes (an image) instead of decoding it. */
  binary?: boolean;
  /** Called as the body arrives: bytes so far and the announced length (null when not announced). */
  onProgress?: (loaded: number, total: number | null) => void;
}

export interface RawResponse {
  status: number;
  /** The body decoded as UTF-8, a leading byte-order mark dropped (as fetch's `text()`). */
  text: string;
  /** With RawRequest.binary: the body as it came, and its content type; `text` is then empty. */
  bytes?: Buffer;
  contentType?: string;
}

/** No whole answer within RawRequest.timeoutMs. */
export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** Too large a body (RawRequest.maxBytes). */
export class BodyTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`body of ${bytes} bytes is too large`);
  }
}

/**
 * One request on `agent`; resolves once the whole body is in. Every failure rejects with the error node gives
 * (its `code`: ECONNREFUSED, ECONNRESET, …, CONNECT_TIMEOUT_CODE), a RequestTimeoutError, or an AbortError when one
 * of `signals` aborts. Redirects are not followed and nothing is decompressed: the request asks for no encoding.
 */
export function rawRequest(url: URL, agent: http.Agent, r: RawRequest): Promise<RawResponse> {
  const signals = (r.signals ?? []).filter((s): s is AbortSignal => s !== undefined);
  const aborted = signals.find((s) => s.aborted);
  if (aborted) return Promise.reject(abortError(aborted));
  return new Promise<RawResponse>((resolve, reject) => {
    const headers = r.body === undefined ? r.headers : { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) };
    const send = url.protocol === 'https:' ? https.request : http.request;
    let settled = false;
    const cleanup = () => {
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', onAbort);
    };
    const fail = (err: unknown) => {
      if (settled) return;
      cleanup();
      reject(err);
    };
    const req = send(url, { method: r.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      // res.headers is built on first read: only a request with a size limit pays for it.
      const declared = r.maxBytes === undefined && !r.onProgress ? 0 : Number(res.headers['content-length'] ?? 0);
      if (r.maxBytes !== undefined && declared > r.maxBytes) {
        req.destroy(new BodyTooLargeError(declared));
        return;
      }
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (r.maxBytes !== undefined && bytes > r.maxBytes) req.destroy(new BodyTooLargeError(bytes));
        else {
          chunks.push(chunk);
          r.onProgress?.(bytes, declared > 0 ? declared : null);
        }
      });
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        cleanup();
        if (r.binary) {
          resolve({ status: res.statusCode ?? 0, text: '', bytes: Buffer.concat(chunks), contentType: res.headers['content-type'] ?? '' });
          return;
        }
        let text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        resolve({ status: res.statusCode ?? 0, text });
      });
    });
    req.on('error', fail);
    // A response cut off mid-body ends without 'end'; node reports it as an 'error' on the response (ECONNRESET,
    // "aborted"), and this catches whatever else closes first.
    req.on('close', () => {
      if (!settled) fail(Object.assign(new Error('socket closed before the response ended'), { code: 'ECONNRESET' }));
    });
    // Destroying the request closes its socket, as an abort did under fetch: its answer can no longer be read.
    const stop = (err: Error) => {
      if (settled) return;
      fail(err);
      req.destroy(err);
    };
    function onAbort(this: AbortSignal) {
      stop(abortError(this));
    }
    for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
    const timer = r.timeoutMs === undefined ? undefined : setTimeout(() => stop(new RequestTimeoutError(r.timeoutMs!)), r.timeoutMs);
    req.end(r.body);
  });
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('This operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}
