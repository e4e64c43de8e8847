// The simulated NetworkManager (`serve --network sim`, and the tests): scripted networks in range, one with a
// password that a wrong guess fails, one that drops a while after it was joined; the Pi's own AP with two
// stations. It keeps no secret beyond what a real NetworkManager would (saved profiles, to reconnect).
import type { Clock } from '../../machines/clock.ts';
import type { ApConfig, ApStatus, ClientLink, NetworkPort, NetworkReading, WifiNetwork } from '../../machines/network-port.ts';
import { NetworkError } from '../../machines/network-port.ts';

export interface SimNetwork {
  ssid: string;
  signal: number;
  security: string;
  channel: number;
  /** Absent for an open network. */
  password?: string;
  /** The link drops this long after it is joined (the network that drops). */
  dropAfterMs?: number;
  /** Client address the Pi gets on it. */
  ip: string;
}

export const DEFAULT_SIM_NETWORKS: SimNetwork[] = [
  { ssid: 'Observatory', signal: 78, security: 'WPA2', channel: 6, password: 'starlight', ip: '10.0.0.23' },
  { ssid: 'Dark:Sky\\Club', signal: 52, security: 'WPA1 WPA2', channel: 1, password: 'orion', ip: '10.0.1.40' },
  { ssid: 'Campsite WiFi', signal: 35, security: '', channel: 11, dropAfterMs: 60_000, ip: '172.16.5.9' },
];

export class SimulatedNetwork implements NetworkPort {
  readonly kind = 'sim' as const;
  private enabled = true;
  private link: ClientLink | null = null;
  private readonly saved = new Set<string>();
  private dropTimer: unknown = null;
  private ap: ApStatus = { active: true, ssid: 'skylapse', channel: 6, hidden: false, clients: 2, address: '192.168.4.1/24' };
  private regCountry: string | null = '00';
  /** Every operation, for tests: never a secret. */
  readonly calls: string[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly networks: SimNetwork[] = DEFAULT_SIM_NETWORKS,
    private readonly latencyMs = 200,
  ) {}

  private wait(): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, this.latencyMs));
  }

  async scan(_refresh: boolean): Promise<WifiNetwork[]> {
    this.calls.push('scan');
    await this.wait();
    if (!this.enabled) throw new NetworkError('UNAVAILABLE', 'WiFi is disabled');
    return this.networks
      .map((n) => ({ ssid: n.ssid, bssid: null, signal: n.signal, security: n.security, channel: n.channel, inUse: this.link?.ssid === n.ssid }))
      .sort((a, b) => Number(b.inUse) - Number(a.inUse) || b.signal - a.signal);
  }

  async connect(ssid: string, password: string | undefined): Promise<ClientLink> {
    this.calls.push(`connect ${ssid}`);
    await this.wait();
    if (!this.enabled) throw new NetworkError('UNAVAILABLE', 'WiFi is disabled');
    const n = this.networks.find((x) => x.ssid === ssid);
    if (!n) throw new NetworkError('NOT_FOUND', `No network with SSID '${ssid}' found.`);
    if (n.password !== undefined) {
      const usable = password === undefined ? this.saved.has(ssid) : password === n.password;
      if (!usable) throw new NetworkError('WRONG_PASSWORD', 'Secrets were required, but not provided.');
    }
    this.saved.add(ssid);
    this.link = { ssid, ip: n.ip, signal: n.signal };
    this.clock.clearTimeout(this.dropTimer);
    if (n.dropAfterMs !== undefined) this.dropTimer = this.clock.setTimeout(() => this.drop(), n.dropAfterMs);
    return this.link;
  }

  /** The network goes away (out of range, its router rebooted). */
  drop(): void {
    this.calls.push('drop');
    this.link = null;
  }

  async disconnect(): Promise<void> {
    this.calls.push('disconnect');
    await this.wait();
    this.clock.clearTimeout(this.dropTimer);
    this.link = null;
  }

  async setEnabled(on: boolean): Promise<void> {
    this.calls.push(on ? 'radio on' : 'radio off');
    await this.wait();
    this.enabled = on;
    if (!on) {
      this.link = null;
      this.ap = { ...this.ap, active: false, clients: 0 };
    } else this.ap = { ...this.ap, active: true };
  }

  async read(): Promise<NetworkReading> {
    const addresses = [...(this.ap.active && this.ap.address ? [this.ap.address] : []), ...(this.link?.ip ? [`${this.link.ip}/24`] : [])].sort();
    return { enabled: this.enabled, link: this.link, ap: { ...this.ap }, addresses };
  }

  async configureAccessPoint(c: ApConfig): Promise<ApStatus> {
    this.calls.push(`ap ${c.ssid} ${c.channel}`);
    await this.wait();
    // Stations must join again after the AP restarts.
    this.ap = { active: this.enabled, ssid: c.ssid, channel: c.channel, hidden: c.hidden, clients: 0, address: this.ap.address };
    return { ...this.ap };
  }

  async country(): Promise<string | null> {
    return this.regCountry;
  }

  async setCountry(country: string): Promise<void> {
    this.calls.push(`country ${country}`);
    this.regCountry = country;
  }
}
