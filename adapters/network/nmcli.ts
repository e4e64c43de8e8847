// The NetworkManager adapter: `nmcli` (and `iw` for the regulatory country and the AP's stations), always with argv
// arrays through execFile: an SSID or password is one argv element and no shell ever sees it. Terse output is
// parsed with its escapes (terse.ts). The AP is a NetworkManager connection profile (`--ap-connection`).
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import type { ApConfig, ApStatus, ClientLink, NetworkPort, NetworkReading, WifiNetwork } from '../../machines/network-port.ts';
import { NetworkError } from '../../machines/network-port.ts';
import { parseTerse, parseTerseFields } from './terse.ts';

export interface NmcliOptions {
  /** The client interface (default `wlan0`). */
  iface?: string;
  /** The AP's interface (default `ap0`) and its NetworkManager connection profile (default `skylapse-ap`). */
  apIface?: string;
  apConnection?: string;
  /** Environment of the child processes (tests put a fake `nmcli` first on PATH). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** The Pi's IPv4 addresses; default os.networkInterfaces(). */
  addresses?: () => string[];
}

interface Run {
  stdout: string;
  stderr: string;
}

export function systemAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(`${a.address}/${a.cidr?.split('/')[1] ?? '32'}`);
  }
  return out.sort();
}

/** Maps a failed nmcli run to a stable code by its exit status and message. */
function mapFailure(tool: string, code: number | string | null | undefined, stderr: string, killed: boolean): NetworkError {
  const text = stderr.trim().split('\n').at(-1) || `${tool} exited with ${code}`;
  if (code === 'ENOENT') return new NetworkError('UNAVAILABLE', `${tool} is not installed`);
  if (killed) return new NetworkError('TIMEOUT', `${tool} did not answer in time`);
  if (/secrets were required|802-1x supplicant|wrong password|invalid passphrase|property is invalid.*psk/i.test(stderr)) {
    return new NetworkError('WRONG_PASSWORD', text);
  }
  if (code === 10 || /no network with ssid/i.test(stderr)) return new NetworkError('NOT_FOUND', text);
  return new NetworkError('FAILED', text);
}

export class NmcliNetwork implements NetworkPort {
  readonly kind = 'nmcli' as const;
  private readonly iface: string;
  private readonly apIface: string;
  private readonly apConnection: string;

  constructor(private readonly o: NmcliOptions = {}) {
    this.iface = o.iface ?? 'wlan0';
    this.apIface = o.apIface ?? 'ap0';
    this.apConnection = o.apConnection ?? 'skylapse-ap';
  }

  private run(tool: 'nmcli' | 'iw', args: string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
      execFile(
        tool,
        args,
        { timeout: this.o.timeoutMs ?? 45_000, env: { ...(this.o.env ?? process.env), LC_ALL: 'C' }, maxBuffer: 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            const e = error as NodeJS.ErrnoException & { killed?: boolean };
            reject(mapFailure(tool, (e.code as number | string | undefined) ?? null, String(stderr), Boolean(e.killed)));
          } else resolve({ stdout: String(stdout), stderr: String(stderr) });
        },
      );
    });
  }

  async scan(refresh: boolean): Promise<WifiNetwork[]> {
    // A rescan is refused when one ran moments ago; the list is still fresh enough then.
    if (refresh) await this.run('nmcli', ['device', 'wifi', 'rescan', 'ifname', this.iface]).catch(() => undefined);
    const { stdout } = await this.run('nmcli', ['-t', '-f', 'IN-USE,SSID,BSSID,SIGNAL,SECURITY,CHAN', 'device', 'wifi', 'list', 'ifname', this.iface, '--rescan', 'no']);
    return parseWifiList(stdout);
  }

  async connect(ssid: string, password: string | undefined): Promise<ClientLink> {
    const args = password === undefined
      ? ['connection', 'up', 'id', ssid, 'ifname', this.iface]
      : ['device', 'wifi', 'connect', ssid, 'password', password, 'ifname', this.iface];
    await this.run('nmcli', args);
    const link = (await this.read()).link;
    if (!link) throw new NetworkError('FAILED', `NetworkManager reports no link after joining ${ssid}`);
    return link;
  }

  async disconnect(): Promise<void> {
    await this.run('nmcli', ['device', 'disconnect', this.iface]);
  }

  async setEnabled(on: boolean): Promise<void> {
    await this.run('nmcli', ['radio', 'wifi', on ? 'on' : 'off']);
  }

  async read(): Promise<NetworkReading> {
    const radio = await this.run('nmcli', ['-t', '-f', 'WIFI', 'radio']);
    const enabled = radio.stdout.trim() === 'enabled';
    const [link, ap] = await Promise.all([enabled ? this.link() : Promise.resolve(null), this.accessPoint()]);
    return { enabled, link, ap, addresses: (this.o.addresses ?? systemAddresses)() };
  }

  private async link(): Promise<ClientLink | null> {
    const dev = parseTerseFields((await this.run('nmcli', ['-t', '-f', 'GENERAL.STATE,IP4.ADDRESS', 'device', 'show', this.iface])).stdout);
    // GENERAL.STATE is `100 (connected)` once the link is up.
    if (!/^100\b/.test(dev.get('GENERAL.STATE')?.[0] ?? '')) return null;
    const active = (await this.scanList()).find((n) => n.inUse);
    if (!active) return null;
    const ip = dev.get('IP4.ADDRESS')?.[0]?.split('/')[0] ?? null;
    return { ssid: active.ssid, ip, signal: active.signal };
  }

  private async scanList(): Promise<WifiNetwork[]> {
    const { stdout } = await this.run('nmcli', ['-t', '-f', 'IN-USE,SSID,BSSID,SIGNAL,SECURITY,CHAN', 'device', 'wifi', 'list', 'ifname', this.iface, '--rescan', 'no']);
    return parseWifiList(stdout);
  }

  private async accessPoint(): Promise<ApStatus> {
    let fields: Map<string, string[]>;
    try {
      fields = parseTerseFields(
        (await this.run('nmcli', ['-t', '-f', 'GENERAL.STATE,802-11-wireless.ssid,802-11-wireless.channel,802-11-wireless.hidden,IP4.ADDRESS,ipv4.addresses', 'connection', 'show', this.apConnection])).stdout,
      );
    } catch {
      return { active: false, ssid: null, channel: null, hidden: false, clients: 0, address: null };
    }
    const active = (fields.get('GENERAL.STATE')?.[0] ?? '') === 'activated';
    const channel = Number(fields.get('802-11-wireless.channel')?.[0]);
    return {
      active,
      ssid: fields.get('802-11-wireless.ssid')?.[0] || null,
      channel: Number.isInteger(channel) && channel > 0 ? channel : null,
      hidden: fields.get('802-11-wireless.hidden')?.[0] === 'yes',
      clients: active ? await this.stations() : 0,
      address: fields.get('IP4.ADDRESS')?.[0] || fields.get('ipv4.addresses')?.[0] || null,
    };
  }

  private async stations(): Promise<number> {
    try {
      const { stdout } = await this.run('iw', ['dev', this.apIface, 'station', 'dump']);
      return stdout.split('\n').filter((l) => l.startsWith('Station ')).length;
    } catch {
      return 0;
    }
  }

  async configureAccessPoint(c: ApConfig): Promise<ApStatus> {
    // One `modify` with the whole setting set, then re-activate: unknown keys of the profile are left as they are.
    await this.run('nmcli', [
      'connection', 'modify', this.apConnection,
      '802-11-wireless.ssid', c.ssid,
      '802-11-wireless.channel', String(c.channel),
      '802-11-wireless.band', c.channel > 14 ? 'a' : 'bg',
      '802-11-wireless.hidden', c.hidden ? 'yes' : 'no',
      '802-11-wireless-security.key-mgmt', 'wpa-psk',
      '802-11-wireless-security.psk', c.passphrase,
    ]);
    await this.run('nmcli', ['connection', 'up', 'id', this.apConnection]);
    return this.accessPoint();
  }

  async country(): Promise<string | null> {
    const { stdout } = await this.run('iw', ['reg', 'get']);
    const m = /^country ([A-Z]{2}|00):/m.exec(stdout);
    return m ? m[1]! : null;
  }

  async setCountry(country: string): Promise<void> {
    await this.run('iw', ['reg', 'set', country]);
  }
}

/** `IN-USE:SSID:BSSID:SIGNAL:SECURITY:CHAN` lines; hidden networks (empty SSID) are left out. */
export function parseWifiList(stdout: string): WifiNetwork[] {
  const out: WifiNetwork[] = [];
  for (const f of parseTerse(stdout)) {
    if (f.length < 6) continue;
    const [inUse, ssid, bssid, signal, security, chan] = f as [string, string, string, string, string, string];
    if (ssid === '') continue;
    const channel = Number(chan);
    out.push({
      ssid,
      bssid: bssid || null,
      signal: Math.max(0, Math.min(100, Number(signal) || 0)),
      security: security === '--' ? '' : security,
      channel: Number.isInteger(channel) && channel > 0 ? channel : null,
      inUse: inUse === '*',
    });
  }
  return out.sort((a, b) => Number(b.inUse) - Number(a.inUse) || b.signal - a.signal);
}

/** True when NetworkManager answers on this machine (serve's default adapter). */
export function networkManagerPresent(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('nmcli', ['-t', '-f', 'RUNNING', 'general'], { timeout: 3_000, env }, (error, stdout) => resolve(!error && String(stdout).trim() === 'running'));
  });
}
