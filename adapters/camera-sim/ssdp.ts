// The simulator as a Canon body on the LAN (docs/camera-notes.md §14): node-ssdp's server answers M-SEARCH and sends
// NOTIFY alive on start and byebye on close for the four types a Canon body announces, and the UPnP description is
// served over HTTP. node-ssdp writes header names in upper case (`LOCATION:`) where a Canon body writes `Location:`;
// skylapse reads them case-insensitively, and docs/decisions.md §1 records the difference. A datagram whose lines are
// not CRLF (the prior system's literal "\r\n", docs/decisions.md §2) yields no headers there and gets no reply.
//
// Network timing runs on real timers, not the simulator's clock: a ManualClock would otherwise hold back replies.

import http from 'node:http';
import { networkInterfaces } from 'node:os';
import ssdp from 'node-ssdp';
import type { Logger } from 'pino';
import { CANON_DEVICE_TYPE, CANON_SERVICE_TYPE } from '../ssdp/messages.ts';

export const DESCRIPTION_PORT = 49152;
export const DESCRIPTION_PATH = '/upnp/CameraDevDesc.xml';
const SERVER = 'Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0';

export interface SsdpResponderOptions {
  /** The IPv4 address the camera is at: multicast is joined on its interface and the description served there. */
  address: string;
  /** X_accessURL: the simulator's CCAPI root. */
  accessUrl: string;
  /** Description HTTP port (default 49152). */
  descriptionPort?: number;
  /** Source of the UUID, e.g. `74:38:b7:e2:73:5f`. */
  mac: string;
  modelName: string;
  serialNumber: string;
  /** Canon's sample description says "Degital Camera" (sic). */
  friendlyName?: string;
  maxAge?: number;
  /** Re-announce interval (default 15 min, as an M50 II). */
  reannounceMs?: number;
  logger?: Logger;
}

export interface SsdpResponder {
  /** Without the `uuid:` prefix. */
  uuid: string;
  location: string;
  /** Sends byebye, then closes the sockets and the description server. */
  close(): Promise<void>;
  /** Closes without a byebye: a camera whose Wi-Fi dropped. */
  drop(): Promise<void>;
}

/** `74:38:b7:e2:73:5f` → `00000000-0000-0000-0001-7438B7E2735F` (6D, M50 II). */
export function uuidFromMac(mac: string): string {
  const hex = mac.replace(/[^0-9a-f]/gi, '').toUpperCase();
  if (hex.length !== 12) throw new RangeError(`not a MAC address: ${mac}`);
  return `00000000-0000-0000-0001-${hex}`;
}

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The description in exactly the form of docs/camera-notes.md §14: the `ns:` lines as Canon writes them, so every
 * client parses it. */
export function descriptionXml(d: {
  urlBase: string;
  modelName: string;
  friendlyName: string;
  serialNumber: string;
  uuid: string;
  accessUrl: string;
  onService: boolean;
}): string {
  const e = xmlEscape;
  return [
    '<?xml version="1.0"?>',
    '<root xmlns="urn:schemas-upnp-org:device-1-0">',
    '<specVersion><major>1</major><minor>0</minor></specVersion>',
    `<URLBase>${e(d.urlBase)}</URLBase>`,
    '<device>',
    `<deviceType>${CANON_DEVICE_TYPE}</deviceType>`,
    `<friendlyName>${e(d.friendlyName)}</friendlyName><manufacturer>Canon</manufacturer>`,
    '<manufacturerURL>http://www.canon.com/</manufacturerURL><modelDescription>Canon Digital Camera</modelDescription>',
    `<modelName>${e(d.modelName)}</modelName><serialNumber>${e(d.serialNumber)}</serialNumber>`,
    `<UDN>uuid:${e(d.uuid)}</UDN>`,
    '<serviceList><service>',
    `<serviceType>${CANON_SERVICE_TYPE}</serviceType>`,
    '<serviceId>urn:schemas-canon-com:serviceId:ICPO-CameraControlAPIService-1</serviceId>',
    '<SCPDURL>CameraSvcDesc.xml</SCPDURL><controlURL>control/CanonCamera/</controlURL><eventSubURL></eventSubURL>',
    `<ns:X_onService xmlns:ns="urn:schemas-canon-com:schema-upnp">${d.onService ? 1 : 0}</ns:X_onService>`,
    `<ns:X_accessURL xmlns:ns="urn:schemas-canon-com:schema-upnp">${e(d.accessUrl)}</ns:X_accessURL>`,
    '<ns:X_deviceNickname xmlns:ns="urn:schemas-canon-com:schema-upnp">Camera</ns:X_deviceNickname>',
    '</service></serviceList>',
    '<presentationURL>/</presentationURL>',
    '</device>',
    '</root>',
    '',
  ].join('\n');
}

export async function startSsdpResponder(opts: SsdpResponderOptions): Promise<SsdpResponder> {
  const log = opts.logger;
  const uuid = uuidFromMac(opts.mac);
  const port = opts.descriptionPort ?? DESCRIPTION_PORT;
  const location = `http://${opts.address}:${port}${DESCRIPTION_PATH}`;
  const maxAge = opts.maxAge ?? 1800;
  const xml = descriptionXml({
    urlBase: `http://${opts.address}:${port}/upnp/`,
    modelName: opts.modelName,
    friendlyName: opts.friendlyName ?? 'Degital Camera',
    serialNumber: opts.serialNumber,
    uuid,
    accessUrl: opts.accessUrl,
    onService: false,
  });
  // Description first, so a client that hears the alive burst can fetch it at once.
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === DESCRIPTION_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
      res.end(req.method === 'HEAD' ? undefined : xml);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, opts.address, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const closeServer = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const iface = interfaceOf(opts.address);
  if (!iface) {
    await closeServer();
    throw new Error(`sim ssdp: no interface has the address ${opts.address}`);
  }
  const responder = new ssdp.Server({
    interfaces: [iface],
    location,
    udn: `uuid:${uuid}`,
    ssdpSig: SERVER,
    ssdpTtl: 2,
    ttl: maxAge,
    adInterval: opts.reannounceMs ?? 15 * 60_000,
    customLogger: (fmt: string, ...args: unknown[]) => log?.trace({ args }, `sim node-ssdp: ${fmt}`),
  });
  // With the bare UDN node-ssdp adds itself, the four types a Canon body announces and answers for.
  for (const type of ['upnp:rootdevice', CANON_DEVICE_TYPE, CANON_SERVICE_TYPE]) responder.addUSN(type);
  try {
    await responder.start();
  } catch (err) {
    await closeServer();
    throw err;
  }
  // The power-on burst at once, twice (8 NOTIFYs, as an M50 II); node-ssdp's own first one comes 3 s later.
  responder.advertise();
  const second = setTimeout(() => responder.advertise(), 200);
  log?.info({ uuid, location, accessUrl: opts.accessUrl }, 'sim ssdp: announcing');

  let closing: Promise<void> | null = null;
  const shut = (byebye: boolean) =>
    (closing ??= (async () => {
      clearTimeout(second);
      if (byebye) {
        // node-ssdp's stop() sends byebye and closes its sockets in the same tick, and Node drops a send whose socket
        // closed before the address lookup came back: send them first, and close once they have left.
        responder.advertise(false);
        await new Promise((resolve) => setImmediate(resolve));
      }
      responder.stop();
      await closeServer();
    })());
  return { uuid, location, close: () => shut(true), drop: () => shut(false) };
}

/** The name of the interface that holds `address` (node-ssdp chooses interfaces by name). */
function interfaceOf(address: string): string | null {
  for (const [name, infos] of Object.entries(networkInterfaces())) {
    if (infos?.some((i) => i.address === address)) return name;
  }
  return null;
}
