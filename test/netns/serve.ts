// Runs inside the "controller" network namespace (see discovery.test.ts): `skylapse serve --camera auto` in this
// process, with a WebSocket client on it. Every message the client receives is printed as `{ws: message}`; a line
// `{send: {type, id?, data?}}` on stdin is sent over the socket.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { serve } from '../../bin/serve.ts';
import { Client } from '../helpers/ws-client.ts';

const logger = pino({ level: process.env.SKYLAPSE_NETNS_LOG ?? 'silent' }, pino.destination(2));
const out = (line: unknown): void => void process.stdout.write(JSON.stringify(line) + '\n');
const dataDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'skylapse-netns-serve-'));

const server = await serve({ port: 0, host: '127.0.0.1', dataDir, camera: 'auto', resume: 'auto', network: 'sim', setClock: 'dry-run', version: 'netns', logger });
const client = await Client.connect(`http://127.0.0.1:${server.port}`);
client.ws.on('message', (raw) => out({ ws: JSON.parse(raw.toString()) as unknown }));
createInterface({ input: process.stdin }).on('line', (text) => {
  if (text.trim()) client.sendRaw(JSON.stringify((JSON.parse(text) as { send: unknown }).send));
});
out({ ready: true, dataDir });
process.once('SIGTERM', () => {
  client.close();
  void server.close().then(() => process.exit(0));
});
