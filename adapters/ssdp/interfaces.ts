// Which local IPv4 addresses SSDP runs on. One socket per address, because the M-SEARCH must leave through a chosen
// interface (setMulticastInterface), not wherever the default route points (docs/decisions.md §1).

import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isIPv4 } from 'node:net';
import { CameraError } from '../../machines/camera-port.ts';

export interface SsdpInterface {
  /** Interface name, or the address itself when it was given as an address. */
  name: string;
  address: string;
}

type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

// Node 18.0–18.3 reported family as the number 4; later versions as 'IPv4'.
const ipv4 = (i: NetworkInterfaceInfo) => i.family === 'IPv4' || (i.family as unknown) === 4;

/**
 * Without `wanted`: every non-internal IPv4 address. With it: each entry is an interface name (all its IPv4
 * addresses, loopback included if named explicitly) or an IPv4 address used as given. Throws CameraError UNREACHABLE
 * when nothing is left, naming what the machine has, so a Pi without Wi-Fi up fails loudly instead of searching nowhere.
 */
export function selectInterfaces(wanted?: readonly string[], table: InterfaceTable = networkInterfaces()): SsdpInterface[] {
  const found: SsdpInterface[] = [];
  const add = (name: string, address: string) => {
    if (!found.some((f) => f.address === address)) found.push({ name, address });
  };
  if (!wanted || wanted.length === 0) {
    for (const [name, infos] of Object.entries(table)) {
      for (const info of infos ?? []) if (ipv4(info) && !info.internal) add(name, info.address);
    }
  } else {
    for (const w of wanted) {
      if (isIPv4(w)) add(w, w);
      else for (const info of table[w] ?? []) if (ipv4(info)) add(w, info.address);
    }
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
