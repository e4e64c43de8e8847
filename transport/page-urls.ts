// Where a phone can open the page: the addresses the server listens on, as URLs a person can type or scan.
import { existsSync } from 'node:fs';
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export interface PageUrlSources {
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
  hostname?: string;
  /** Whether `<hostname>.local` resolves for phones: Avahi (mDNS) runs on the Pi. */
  mdns?: boolean;
}

const AVAHI_SOCKETS = ['/run/avahi-daemon/socket', '/var/run/avahi-daemon/socket'];
const ANY = new Set(['0.0.0.0', '::', '']);
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const urlFor = (address: string, port: number) => `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;

/**
 * The page's URLs for a server listening on `host:port`, loopback last (it works only on the Pi itself). Link-local
 * IPv6 addresses are left out: a phone cannot use them without a zone index.
 */
export function pageUrls(host: string, port: number, sources: PageUrlSources = {}): string[] {
  if (LOOPBACK.has(host)) return [urlFor(host === 'localhost' ? '127.0.0.1' : host, port)];
  if (!ANY.has(host)) return [urlFor(host, port)];
  const ifaces = sources.interfaces ?? networkInterfaces();
  const external = Object.values(ifaces)
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && !(a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80')))
    .filter((a) => host !== '0.0.0.0' || a.family === 'IPv4')
    .sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1))
    .map((a) => urlFor(a.address, port));
  const mdns = sources.mdns ?? AVAHI_SOCKETS.some((p) => existsSync(p));
  const name = sources.hostname ?? hostname();
  return [...(mdns && name ? [`http://${name}.local:${port}/`] : []), ...new Set(external), urlFor('127.0.0.1', port)];
}
