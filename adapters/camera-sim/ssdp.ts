// The simulator as a Canon body on the LAN (docs/camera-notes.md §14): an SSDP responder with Canon's exact header
// text (`Location:` in that case — Canon's sample app searches for it case-sensitively), NOTIFY alive on start and
// byebye on close, and the UPnP description over HTTP. Strict about the M-SEARCH it answers, so a malformed search
// (literal "\r\n", docs/decisions.md §2) gets no reply here either — just as from a camera.
//
// Network timing runs on real timers, not the simulator's clock: a ManualClock would otherwise hold back replies.

import dgram from 'node:dgram';
import http from 'node:http';
import type { Logger } from 'pino';
import { CANON_DEVICE_TYPE, CANON_SERVICE_TYPE, parseRaw, SSDP_ADDRESS, SSDP_PORT } from '../ssdp/messages.ts';

export const DESCRIPTION_PORT = 49152;
export const DESCRIPTION_PATH = '/upnp/CameraDevDesc.xml';
const SERVER = 'Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0';

export interface SsdpResponderOptions {
  /** The IPv4 address the camera is at: multicast is joined and the description served there. */
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
  /** Sends byebye, then closes the socket and the description server. */
  close(): Promise<void>;
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

/**
 * A well-formed M-SEARCH, or null: CRLF lines only, the blank line at the end, `M-SEARCH * HTTP/1.1`, HOST the SSDP
 * group, MAN exactly `"ssdp:discover"`, integer MX ≥ 1 (capped at 5, UPnP 1.1), a non-empty ST. Header names in any
 * case, with or without a space after the colon.
 */
export function acceptSearch(datagram: Buffer): { st: string; mx: number } | null {
  const text = datagram.toString('latin1');
  if (!text.endsWith('\r\n\r\n') || /[\r\n]/.test(text.replace(/\r\n/g, ''))) return null;
  const raw = parseRaw(text);
  if (!raw || raw.startLine !== 'M-SEARCH * HTTP/1.1') return null;
  const h = raw.headers;
  if (h.get('host') !== `${SSDP_ADDRESS}:${SSDP_PORT}`) return null;
  if (h.get('man') !== '"ssdp:discover"') return null;
  const mx = h.get('mx') ?? '';
  const st = h.get('st') ?? '';
  if (!/^\d+$/.test(mx) || Number(mx) < 1 || st === '') return null;
  return { st, mx: Math.min(5, Number(mx)) };
}

/** (ST, USN) pairs to answer a search target with; empty when it is not ours. */
export function searchMatches(st: string, uuid: string): { st: string; usn: string }[] {
  const all = [
    { st: 'upnp:rootdevice', usn: `uuid:${uuid}::upnp:rootdevice` },
    { st: `uuid:${uuid}`, usn: `uuid:${uuid}` },
    { st: CANON_DEVICE_TYPE, usn: `uuid:${uuid}::${CANON_DEVICE_TYPE}` },
    { st: CANON_SERVICE_TYPE, usn: `uuid:${uuid}::${CANON_SERVICE_TYPE}` },
  ];
  if (st === 'ssdp:all') return all;
  return all.filter((m) => m.st.toLowerCase() === st.toLowerCase());
}

export function searchReply(o: { maxAge: number; location: string; st: string; usn: string }): Buffer {
  return crlf([`HTTP/1.1 200 OK`, `Cache-Control: max-age=${o.maxAge}`, 'EXT:', `Location: ${o.location}`, `Server: ${SERVER}`, `ST: ${o.st}`, `USN: ${o.usn}`]);
}

export function notifyAlive(o: { maxAge: number; location: string; nt: string; usn: string }): Buffer {
  return crlf([
    'NOTIFY * HTTP/1.1',
    `Host: ${SSDP_ADDRESS}:${SSDP_PORT}`,
    `Cache-Control: max-age=${o.maxAge}`,
    `Location: ${o.location}`,
    `NT: ${o.nt}`,
    'NTS: ssdp:alive',
    `Server: ${SERVER}`,
    `USN: ${o.usn}`,
  ]);
}

/** Byebye carries no Location or Server (6D capture). */
export function notifyByebye(o: { nt: string; usn: string }): Buffer {
  return crlf(['NOTIFY * HTTP/1.1', `Host: ${SSDP_ADDRESS}:${SSDP_PORT}`, `NT: ${o.nt}`, 'NTS: ssdp:byebye', `USN: ${o.usn}`]);
}

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');

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
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

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

  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const send = (msg: Buffer, toPort: number, toAddress: string) =>
    new Promise<void>((resolve) => {
      try {
        socket.send(msg, toPort, toAddress, (err) => {
          if (err) log?.warn({ err: err.message, to: toAddress }, 'sim ssdp: send failed');
          resolve();
        });
      } catch (err) {
        // Throws synchronously once the socket is closed (an announce racing close()).
        log?.debug({ err: err instanceof Error ? err.message : String(err) }, 'sim ssdp: send after close');
        resolve();
      }
    });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port: SSDP_PORT }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.addMembership(SSDP_ADDRESS, opts.address);
    socket.setMulticastInterface(opts.address);
    socket.setMulticastTTL(2);
  } catch (err) {
    socket.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  socket.on('error', (err) => log?.warn({ err: err.message }, 'sim ssdp: socket error'));
  socket.on('message', (msg, rinfo) => {
    const search = acceptSearch(msg);
    if (!search) {
      if (msg.toString('latin1').startsWith('M-SEARCH')) log?.debug({ from: rinfo.address }, 'sim ssdp: malformed M-SEARCH ignored');
      return;
    }
    for (const m of searchMatches(search.st, uuid)) {
      // Spread within MX, as UPnP asks, so many devices do not answer at once.
      later(Math.floor(Math.random() * search.mx * 1000), () => {
        log?.debug({ to: rinfo.address, st: m.st }, 'sim ssdp: reply');
        void send(searchReply({ maxAge, location, ...m }), rinfo.port, rinfo.address);
      });
    }
  });

  const types = searchMatches('ssdp:all', uuid);
  const announce = async () => {
    for (const m of types) await send(notifyAlive({ maxAge, location, nt: m.st, usn: m.usn }), SSDP_PORT, SSDP_ADDRESS);
  };
  // The power-on burst: every type twice (8 NOTIFYs, as an M50 II), the second round a moment later.
  void announce();
  later(200, () => void announce());
  const reannounce = setInterval(() => void announce(), opts.reannounceMs ?? 15 * 60_000);
  reannounce.unref();
  log?.info({ uuid, location, accessUrl: opts.accessUrl }, 'sim ssdp: announcing');

  let closing: Promise<void> | null = null;
  return {
    uuid,
    location,
    close: () =>
      (closing ??= (async () => {
        clearInterval(reannounce);
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const m of types) await send(notifyByebye({ nt: m.st, usn: m.usn }), SSDP_PORT, SSDP_ADDRESS);
        await new Promise<void>((resolve) => socket.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}
