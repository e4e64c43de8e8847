// HTTP to one camera. Two undici Agents, one socket each: the event long poll gets its own lane so commands never
// queue behind a 30 s poll, and the camera sees at most two connections (docs/camera-notes.md). Requests on the
// command lane are scheduled by priority (command-lane.ts).
// The camera's self-signed certificate is accepted on these agents only, never process-wide (docs/decisions.md §7).

import { Agent, fetch } from 'undici';
import type { Logger } from 'pino';
import { CommandLane, type Priority } from './command-lane.ts';
import { httpError, networkError, protocolError, CcapiError } from './errors.ts';

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
}

export class CcapiHttp {
  private readonly agents: Record<Lane, Agent>;
  readonly commands = new CommandLane();

  constructor(
    /** CCAPI root, e.g. `http://192.168.4.2:8080/ccapi`. */
    readonly baseUrl: string,
    private readonly logger?: Logger,
    connectTimeoutMs = 5_000,
  ) {
    const make = () =>
      new Agent({ connections: 1, pipelining: 1, connect: { rejectUnauthorized: false, timeout: connectTimeoutMs } });
    this.agents = { command: make(), poll: make() };
  }

  /** Absolute URL for a camera path (`/ccapi/ver100/...`) or an already absolute URL. */
  url(path: string): string {
    return new URL(path, this.baseUrl).toString();
  }

  /** Sends one request and returns the parsed JSON body (`{}` when empty); every failure is a CcapiError. */
  request(lane: Lane, method: HttpMethod, path: string, opts: RequestOptions): Promise<unknown> {
    if (lane === 'poll') return this.send(lane, method, path, opts);
    return this.commands.run(opts.priority ?? 'other', (preempt) => this.send(lane, method, path, opts, preempt), {
      preemptible: method === 'GET',
    });
  }

  private async send(lane: Lane, method: HttpMethod, path: string, opts: RequestOptions, preempt?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = AbortSignal.any([timeout, ...(opts.signal ? [opts.signal] : []), ...(preempt ? [preempt] : [])]);
    const hasBody = opts.body !== undefined;
    const started = performance.now(); // for the debug log only
    let status: number;
    let text: string;
    try {
      const res = await fetch(this.url(path), {
        method,
        dispatcher: this.agents[lane],
        signal,
        headers: hasBody ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
        body: hasBody ? JSON.stringify(opts.body) : undefined,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if ((opts.signal?.aborted || preempt?.aborted) && !timeout.aborted) {
        throw new CcapiError('UNREACHABLE', `${opts.context}: cancelled`, true, undefined, null);
      }
      const e = networkError(opts.context, err, timeout.aborted);
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
    const message =
      parsed && json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string'
        ? (json as { message: string }).message
        : null;
    throw httpError(opts.context, status, message);
  }

  /** Drops both connections, aborting anything in flight and refusing anything queued. */
  async close(): Promise<void> {
    this.commands.close();
    await Promise.all([this.agents.command.destroy(), this.agents.poll.destroy()]);
  }
}
