// Runs inside the "camera" network namespace (see discovery.test.ts): node-ssdp's server used as it comes — start,
// one alive, stop() — to show that its stop() loses the byebye it means to send (docs/decisions.md §1).
import ssdp from 'node-ssdp';

const [iface, address] = process.argv.slice(2);
if (!iface || !address) throw new Error('usage: plain-server.ts <interface> <address>');
const server = new ssdp.Server({ interfaces: [iface], location: `http://${address}:49152/upnp/CameraDevDesc.xml`, udn: 'uuid:plain-node-ssdp', ssdpTtl: 2 });
await server.start();
server.advertise();
await new Promise((r) => setTimeout(r, 500));
server.stop(); // node-ssdp: advertise(false), then close the sockets in the same tick
await new Promise((r) => setTimeout(r, 500));
process.stdout.write(JSON.stringify({ done: true }) + '\n');
process.exit(0);
