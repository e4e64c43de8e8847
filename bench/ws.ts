// Minimal WebSocket clients for the benches: every message is timestamped on receipt (performance.now()).
import WebSocket from 'ws';

export interface Received {
  type: string;
  id?: number;
  seq?: number;
  timestamp?: string;
  data?: Record<string, unknown>;
  /** performance.now() when it arrived. */
  receivedMono: number;
  /** Date.now() when it arrived. */
  receivedWall: number;
}

export class BenchClient {
  readonly messages: Received[] = [];
  /** performance.now() when the upgrade completed ('open'). */
  openedMono = 0;
  private nextId = 1;
  private waiters: { match: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const m = { ...(JSON.parse(raw.toString()) as object), receivedMono: performance.now(), receivedWall: Date.now() } as Received;
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => (w.match(m) ? (w.resolve(m), false) : true));
    });
  }

  waitFor(match: (m: Received) => boolean, timeoutMs = 60_000): Promise<Received> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; got ${this.messages.map((m) => m.type).join(', ')}`)), timeoutMs);
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  async request(type: string, data?: unknown): Promise<Received> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ type, id, ...(data === undefined ? {} : { data }) }));
    const reply = await this.waitFor((m) => m.id === id && (m.type === 'operation_result' || m.type === 'error'));
    if (reply.type === 'error') throw new Error(`${type}: ${JSON.stringify(reply.data)}`);
    return reply;
  }

  /** Resolves once the server says the camera is connected (in the welcome, or by a later broadcast). */
  async cameraConnected(timeoutMs = 30_000): Promise<void> {
    const connected = (m: Received) =>
      (m.type === 'welcome' && (m.data?.state as { camera?: { state?: string } })?.camera?.state === 'connected') || m.type === 'camera_connected';
    await this.waitFor(connected, timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}

/** `query` is appended to /ws, e.g. `?since=42`. */
export function connectClient(url: string, query = ''): Promise<BenchClient> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws' + query);
  const client = new BenchClient(ws);
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => {
      client.openedMono = performance.now();
      resolve(client);
    });
  });
}

/** `n` clients, each greeted (welcome received) before it is returned. */
export async function connectClients(url: string, n: number): Promise<BenchClient[]> {
  const clients = await Promise.all(Array.from({ length: n }, () => connectClient(url)));
  await Promise.all(clients.map((c) => c.waitFor((m) => m.type === 'welcome')));
  return clients;
}
