// Runs inside the "controller" network namespace (see discovery.test.ts): skylapse's side of discovery, driven by
// JSON-line commands on stdin, answering with one JSON line per command (`{ id, ... }`) and streaming watcher events
// as `{ event }` lines.
import dgram from 'node:dgram';
import type { EventEmitter } from 'node:events';
import { networkInterfaces } from 'node:os';
import { createInterface } from 'node:readline';
import { format } from 'node:util';
import ssdp from 'node-ssdp';
import pino from 'pino';
import { CameraError } from '../../machines/camera-port.ts';
import { DiscoveringCamera } from '../../adapters/ssdp/discovering-camera.ts';
import { discoverCamera, SsdpWatcher } from '../../adapters/ssdp/discovery.ts';

const logger = process.env.SKYLAPSE_NETNS_LOG ? pino({ level: process.env.SKYLAPSE_NETNS_LOG }, pino.destination(2)) : undefined;
const out = (line: unknown): void => void process.stdout.write(JSON.stringify(line) + '\n');
const fail = (err: unknown) => ({ ok: false, code: err instanceof CameraError ? err.code : 'INTERNAL', message: err instanceof Error ? err.message : String(err) });

const camera = new DiscoveringCamera({ logger, discovery: { timeoutMs: 8_000 }, camera: { watcher: { backoffMinMs: 50, backoffMaxMs: 500 } } });
let watcher: SsdpWatcher | null = null;

interface Command {
  id: number;
  cmd: 'discover' | 'connect' | 'watch' | 'raw' | 'plain-search' | 'listen' | 'exit';
  timeoutMs?: number;
  tries?: number;
  /** For `raw`: datagram text to multicast, and how long to collect unicast replies. */
  text?: string;
  listenMs?: number;
  /** For `watch`: send one M-SEARCH after starting. */
  search?: boolean;
}

/** Multicasts one datagram exactly as given from a fresh socket and collects the replies for `listenMs`. */
async function raw(text: string, listenMs: number): Promise<string[]> {
  const socket = dgram.createSocket('udp4');
  const replies: string[] = [];
  socket.on('message', (msg) => replies.push(msg.toString('latin1')));
  await new Promise<void>((r) => socket.bind(0, () => r()));
  await new Promise<void>((resolve, reject) => socket.send(Buffer.from(text, 'latin1'), 1900, '239.255.255.250', (err) => (err ? reject(err) : resolve())));
  await new Promise((r) => setTimeout(r, listenMs));
  await new Promise<void>((r) => socket.close(() => r()));
  return replies;
}

/** node-ssdp as it comes (sockets on the wildcard address): one M-SEARCH, the replies and the errors it logged. */
async function plainSearch(listenMs: number): Promise<{ replies: string[]; errors: string[] }> {
  const errors: string[] = [];
  const replies: string[] = [];
  const client = new ssdp.Client({ customLogger: (fmt: string, ...args: unknown[]) => void (/^error/i.test(fmt) && errors.push(format(fmt, ...args))) });
  client.on('response', (headers) => replies.push(String(headers.LOCATION)));
  await client.start();
  void client.search('urn:schemas-canon-com:service:ICPO-CameraControlAPIService:1');
  await new Promise((r) => setTimeout(r, listenMs));
  client.stop();
  return { replies, errors };
}

/**
 * For `listenMs`, the NTS of every NOTIFY heard by a plain wildcard-bound socket on port 1900 (joined on every
 * interface), and what a node-ssdp client bound explicitly to the interface's address on port 1900 hears. Prints
 * `{listening: true}` once both are bound.
 */
async function listen(listenMs: number): Promise<{ wildcard: string[]; bound: string[] }> {
  const wildcard: string[] = [];
  const bound: string[] = [];
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  socket.on('message', (msg) => {
    const nts = /^NTS:\s*(\S+)/im.exec(msg.toString('latin1'))?.[1];
    if (nts) wildcard.push(nts);
  });
  await new Promise<void>((r) => socket.bind(1900, () => r()));
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) socket.addMembership('239.255.255.250', a.address);
  }
  const options: ssdp.ClientOptions & { sourcePort: number } = { explicitSocketBind: true, sourcePort: 1900 };
  const client = new ssdp.Client(options);
  const events: EventEmitter = client; // node-ssdp's typings declare only `response` on Client
  for (const e of ['advertise-alive', 'advertise-bye']) events.on(e, (headers: { NTS?: string }) => bound.push(String(headers.NTS)));
  await client.start();
  out({ listening: true });
  await new Promise((r) => setTimeout(r, listenMs));
  client.stop();
  await new Promise<void>((r) => socket.close(() => r()));
  return { wildcard, bound };
}

async function handle(c: Command): Promise<void> {
  try {
    switch (c.cmd) {
      case 'discover': {
        const found = await discoverCamera({ timeoutMs: c.timeoutMs, tries: c.tries, logger });
        return out({ id: c.id, ok: true, camera: found });
      }
      case 'connect': {
        const { info } = await camera.connect();
        return out({ id: c.id, ok: true, baseUrl: camera.baseUrl, info, discovered: camera.discovered });
      }
      case 'watch': {
        // At most one M-SEARCH (on request), at start: every later event comes from NOTIFYs.
        watcher = new SsdpWatcher({ passive: true, logger });
        watcher.subscribe((event) => out({ event }));
        await watcher.start();
        if (c.search) watcher.search();
        return out({ id: c.id, ok: true });
      }
      case 'plain-search':
        return out({ id: c.id, ok: true, ...(await plainSearch(c.listenMs ?? 4_000)) });
      case 'listen':
        return out({ id: c.id, ok: true, ...(await listen(c.listenMs ?? 3_000)) });
      case 'raw':
        return out({ id: c.id, ok: true, replies: await raw(c.text ?? '', c.listenMs ?? 1_500) });
      case 'exit':
        await watcher?.close();
        await camera.close();
        out({ id: c.id, ok: true });
        process.exit(0);
    }
  } catch (err) {
    out({ id: c.id, ...fail(err) });
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim()) void handle(JSON.parse(line) as Command);
});
out({ ready: true });
