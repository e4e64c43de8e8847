// HTTP to one camera. Two keep-alive node:http(s) Agents, one socket each: the event long poll gets its own lane so
// commands never queue behind a 30 s poll, and the camera sees at most two connections (docs/camera-notes.md).
// Requests on the command lane are scheduled by priority (command-lane.ts).
// The camera's self-signed certificate is accepted on these agents only, never process-wide (docs/decisions.md §7).

import type { Agent } from 'node:http';
import type { Logger } from 'pino';
import { CommandLane, type Priority } from './command-lane.ts';
import { httpError, networkError, protocolError, CcapiError } from './errors.ts';
import { keepAliveAgent, rawRequest, RequestTimeoutError } from './request.ts';

/** An idle camera socket is kept this long (undici's default, which this replaced), or less when the camera says. */
const IDLE_MS = 4_000;

export type Lane = 'command' | 'poll';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestOptions {
  /** Names the request in error messages, e.g. `shutterbutton`. */
  context: string;
  timeoutMs: number;
  body?: unknown;
  /** Cancels the request (used to stop the event watcher). */
  signal?: AbortSignal;
  /** Command lane only: its turn (default `other`). The timeout starts when the request is sent. */
  priority?: Priority;
  /** Bytes as they arrive, for a download (see download()). */
  onProgress?: (loaded: number, total: number | null) => void;
}

/** A downloaded body (an image) and its content type. */
export interface Download {
  bytes: Buffer;
  contentType: string;
}

export class CcapiHttp {
  /** Per lane and scheme (a ver100 body's absolute URLs could name the other one), made when first used. */
  private readonly agents = new Map<string, Agent>();
  private readonly base: URL;
  /** Aborts everything in flight at close(), as destroying undici's agents did. */
  private readonly closing = new AbortController();
  readonly commands = new CommandLane();

  constructor(
    /** CCAPI root, e.g. `http://192.168.4.2:8080/ccapi`. */
    readonly baseUrl: string,
    private readonly logger?: Logger,
    private readonly connectTimeoutMs = 5_000,
  ) {
    this.base = new URL(baseUrl);
  }

  /** Absolute URL for a camera path (`/ccapi/ver100/...`) or an already absolute URL. */
  url(path: string): string {
    return new URL(path, this.base).toString();
  }

  private agent(lane: Lane, url: URL): Agent {
    const key = `${lane} ${url.protocol}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const secure = url.protocol === 'https:';
      agent = keepAliveAgent({ secure, maxSockets: 1, connectTimeoutMs: this.connectTimeoutMs, idleMs: IDLE_MS, rejectUnauthorized: false });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Sends one request and returns the parsed JSON body (`{}` when empty); every failure is a CcapiError. */
  request(lane: Lane, method: HttpMethod, path: string, opts: RequestOptions): Promise<unknown> {
    if (lane === 'poll') return this.send(lane, method, path, opts);
    return this.commands.run(opts.priority ?? 'other', (preempt) => this.send(lane, method, path, opts, preempt), {
      preemptible: method === 'GET',
    });
  }

  /** A GET whose answer is bytes (a preview JPEG, a live-view frame) on the command lane; failures as request(). */
  download(path: string, opts: RequestOptions): Promise<Download> {
    return this.commands.run(opts.priority ?? 'other', (preempt) => this.send('command', 'GET', path, opts, preempt, true), {
      preemptible: false, // a half-done download is wasted work for a camera that serves 2–5 MB/s
    }) as Promise<Download>;
  }

  private async send(lane: Lane, method: HttpMethod, path: string, opts: RequestOptions, preempt?: AbortSignal, binary = false): Promise<unknown> {
    if (this.closing.signal.aborted) throw closedError(opts.context);
    const hasBody = opts.body !== undefined;
    const started = performance.now(); // for the debug log only
    let status: number;
    let text: string;
    try {
      const url = new URL(path, this.base);
      const res = await rawRequest(url, this.agent(lane, url), {
        method,
        timeoutMs: opts.timeoutMs,
        signals: [this.closing.signal, opts.signal, preempt],
        headers: hasBody ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
        body: hasBody ? JSON.stringify(opts.body) : undefined,
        binary,
        onProgress: opts.onProgress,
      });
      status = res.status;
      if (binary && status >= 200 && status < 300) return { bytes: res.bytes!, contentType: res.contentType ?? '' } satisfies Download;
      text = binary ? res.bytes!.toString('utf8') : res.text;
    } catch (err) {
      const timedOut = err instanceof RequestTimeoutError;
      if ((opts.signal?.aborted || preempt?.aborted) && !timedOut) {
        throw new CcapiError('UNREACHABLE', `${opts.context}: cancelled`, true, undefined, null);
      }
      if (this.closing.signal.aborted && !timedOut) throw closedError(opts.context);
      const e = networkError(opts.context, err, timedOut);
      this.logger?.debug({ lane, method, path, code: e.code, err: e.message }, 'ccapi request failed');
      throw e;
    }
    this.logger?.debug({ lane, method, path, status, ms: Math.round(performance.now() - started) }, 'ccapi');

    let json: unknown = {};
    let parsed = true;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        parsed = false;
      }
    }
    if (status >= 200 && status < 300) {
      if (!parsed) throw protocolError(opts.context, `HTTP ${status} with a non-JSON body`, status);
      return json;
    }
    throw httpError(opts.context, status, refusalText(parsed ? json : null, text));
  }

  /** Drops both connections, aborting anything in flight and refusing anything queued. */
  async close(): Promise<void> {
    this.closing.abort();
    this.commands.close();
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** A request cut off or refused because close() was called: it may have reached the camera. */
function closedError(context: string): CcapiError {
  return new CcapiError('UNREACHABLE', `${context}: camera connection closed`, true, undefined, null);
}

/**
 * The camera's words in an error answer: `{"message": …}` from Canon bodies, `{"detail": …}` or a text/plain body
 * from some emulators (docs/camera-notes.md §13). Null when there are none.
 */
export function refusalText(json: unknown, text: string): string | null {
  if (json && typeof json === 'object') {
    for (const key of ['message', 'detail'] as const) {
      const v = (json as Record<string, unknown>)[key];
      if (typeof v === 'string' && v.trim() !== '') return v.trim();
    }
    return null;
  }
  const plain = text.trim();
  return plain === '' ? null : plain.slice(0, 200);
}
