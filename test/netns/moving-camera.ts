// Runs inside the "camera" network namespace (see discovery.test.ts): a simulator whose CCAPI listens on every
// address, so it outlives a change of address with its card and shutter state intact, and whose SSDP side can be
// dropped (Wi-Fi gone, no byebye) and started again at a new address, as a camera rejoining with a new DHCP lease.
// Commands on stdin, one JSON line each: {"cmd":"drop"} | {"cmd":"announce","address":"10.77.0.4"}.
import { createInterface } from 'node:readline';
import pino from 'pino';
import { startSimulator } from '../../adapters/camera-sim/index.ts';
import { startSsdpResponder, type SsdpResponder } from '../../adapters/camera-sim/ssdp.ts';

const address = process.argv[2];
if (!address) throw new Error('usage: moving-camera.ts <ipv4 address>');
const logger = process.env.SKYLAPSE_NETNS_LOG ? pino({ level: process.env.SKYLAPSE_NETNS_LOG }, pino.destination(2)) : undefined;
const out = (line: unknown): void => void process.stdout.write(JSON.stringify(line) + '\n');

const sim = await startSimulator({ host: '0.0.0.0', port: 8080, tv: '1/1000', logger });
// The simulator body's identity (adapters/camera-sim/body.ts): the description must name the same camera.
const announce = (at: string) =>
  startSsdpResponder({ address: at, accessUrl: `http://${at}:8080/ccapi`, mac: '74:38:b7:e2:73:5f', modelName: 'EOS R50', serialNumber: '012345678901', logger });
let responder: SsdpResponder | null = await announce(address);
out({ ready: true, uuid: responder.uuid });

createInterface({ input: process.stdin }).on('line', (text) => {
  const c = JSON.parse(text) as { cmd: 'drop' | 'announce'; address?: string };
  void (async () => {
    if (c.cmd === 'drop') {
      await responder?.drop();
      responder = null;
      out({ dropped: true });
    } else if (c.address) {
      responder = await announce(c.address);
      out({ announced: c.address });
    }
  })();
});
process.once('SIGTERM', () => void responder?.close().then(() => sim.close()).then(() => process.exit(0)));
