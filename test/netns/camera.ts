// Runs inside the "camera" network namespace (see discovery.test.ts): the simulator with SSDP on the given address,
// CCAPI on port 8080 as a real body. Prints one JSON line when ready; SIGTERM closes it (NOTIFY byebye), SIGKILL
// is a camera that simply drops off the network.
import pino from 'pino';
import { startSimulator } from '../../adapters/camera-sim/index.ts';

const address = process.argv[2];
if (!address) throw new Error('usage: camera.ts <ipv4 address>');
const logger = process.env.SKYLAPSE_NETNS_LOG ? pino({ level: process.env.SKYLAPSE_NETNS_LOG }, pino.destination(2)) : undefined;

const sim = await startSimulator({ host: address, port: 8080, tv: '1/1000', ssdp: { address }, logger });
process.stdout.write(JSON.stringify({ url: sim.url, ...sim.ssdp }) + '\n');
process.once('SIGTERM', () => {
  void sim.close().then(() => process.exit(0));
});
