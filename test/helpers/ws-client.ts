// A WebSocket test client that records every message and correlates command replies by id.
import WebSocket from 'ws';

export interface Message {
  type: string;
  id?: string | number;
  seq?: number;
  data?: any; // any: tests read into arbitrary payloads; the server side is what is typed
  success?: boolean;
}

export class Client {
  readonly messages: Message[] = [];
  private nextId = 1;
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as Message;
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => (w.match(m) ? (w.resolve(m), false) : true));
    });
  }

  /** `query` is appended to /ws (e.g. `?since=4`); `token` is offered as the page offers it, as a subprotocol. */
  static connect(url: string, o: { query?: string; token?: string; headers?: Record<string, string> } = {}): Promise<Client> {
    const protocols = o.token === undefined ? undefined : ['skylapse', `skylapse.token.${o.token}`];
    const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws' + (o.query ?? ''), protocols, { headers: o.headers });
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => resolve(client));
    });
  }

  /** Resolves with the first message (already received or future) that matches. */
  waitFor(match: (m: Message) => boolean, what = 'message', timeoutMs = 20_000): Promise<Message> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.messages.map((m) => m.type).join(', ')}`)), timeoutMs);
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  count(type: string): number {
    return this.messages.filter((m) => m.type === type).length;
  }

  /** Sends a command and resolves with its one reply (operation_result or error). */
  request(type: string, data?: unknown): Promise<Message> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ type, id, ...(data === undefined ? {} : { data }) }));
    return this.waitFor((m) => m.id === id && (m.type === 'operation_result' || m.type === 'error'), `reply to ${type}`);
  }

  sendRaw(raw: string | Buffer): void {
    this.ws.send(raw);
  }

  close(): void {
    this.ws.close();
  }
}
