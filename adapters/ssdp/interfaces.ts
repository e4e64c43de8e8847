// Which network interfaces SSDP runs on. node-ssdp opens one socket per non-internal IPv4 address of the interfaces
// it is given (by name); checking them here first turns its bare "No sockets available" into a message naming what
// the machine has (docs/decisions.md §1).

import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { CameraError } from '../../machines/camera-port.ts';

export interface SsdpInterface {
  name: string;
  address: string;
}

type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

// Node 18.0–18.3 reported family as the number 4; later versions as 'IPv4'.
const ipv4 = (i: NetworkInterfaceInfo) => i.family === 'IPv4' || (i.family as unknown) === 4;

/**
 * Without `wanted`: every non-internal IPv4 address. With it: the non-internal IPv4 addresses of the interfaces named
 * (node-ssdp skips loopback and internal ones whatever it is told). Throws CameraError UNREACHABLE when nothing is
 * left, naming what the machine has, so a Pi without Wi-Fi up fails loudly instead of searching nowhere.
 */
export function selectInterfaces(wanted?: readonly string[], table: InterfaceTable = networkInterfaces()): SsdpInterface[] {
  const found: SsdpInterface[] = [];
  const add = (name: string, address: string) => {
    if (!found.some((f) => f.address === address)) found.push({ name, address });
  };
  for (const [name, infos] of Object.entries(table)) {
    if (wanted && wanted.length > 0 && !wanted.includes(name)) continue;
    for (const info of infos ?? []) if (ipv4(info) && !info.internal) add(name, info.address);
  }
  if (found.length === 0) {
    const seen = Object.entries(table)
      .map(([name, infos]) => `${name} (${(infos ?? []).filter(ipv4).map((i) => i.address).join(', ') || 'no IPv4'})`)
      .join('; ');
    const asked = wanted && wanted.length > 0 ? `interfaces ${wanted.join(', ')}` : 'a non-internal IPv4 interface';
    throw new CameraError('UNREACHABLE', `SSDP discovery needs ${asked}, and none is up; this machine has: ${seen || 'no interfaces'}`, true);
  }
  return found;
}
