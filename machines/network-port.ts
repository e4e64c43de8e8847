// What the WiFi machine's actors need from the Pi's network stack. The NetworkManager implementation lives in
// adapters/network/nmcli.ts, the simulated twin in adapters/network/sim.ts. Every failure is a NetworkError.

export interface WifiNetwork {
  ssid: string;
  bssid: string | null;
  /** 0–100, as NetworkManager reports it. */
  signal: number;
  /** e.g. `WPA2`, `WPA1 WPA2`, `` for an open network. */
  security: string;
  channel: number | null;
  inUse: boolean;
}

/** The Pi's client link to another network. */
export interface ClientLink {
  ssid: string;
  ip: string | null;
  signal: number | null;
}

/** The Pi's own access point (the camera and the phone join it). Never holds the passphrase. */
export interface ApStatus {
  active: boolean;
  ssid: string | null;
  channel: number | null;
  hidden: boolean;
  clients: number;
  /** The AP's own IPv4 address with prefix, e.g. `192.168.4.1/24`: phones in it are "on the AP". */
  address: string | null;
}

/** Everything the link watch compares between two readings. */
export interface NetworkReading {
  enabled: boolean;
  link: ClientLink | null;
  ap: ApStatus;
  /** The Pi's IPv4 addresses (all interfaces but loopback), sorted: a change means the camera may have moved. */
  addresses: string[];
}

export interface ApConfig {
  ssid: string;
  passphrase: string;
  channel: number;
  hidden: boolean;
}

export type NetworkErrorCode =
  | 'WRONG_PASSWORD' // secrets were required or refused
  | 'NOT_FOUND' // no network with that SSID in range
  | 'FAILED' // NetworkManager could not activate or change it
  | 'UNAVAILABLE' // nmcli/iw missing, or the radio is off
  | 'TIMEOUT';

export class NetworkError extends Error {
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

export interface NetworkPort {
  /** `nmcli` or `sim`: the page says which. */
  readonly kind: 'nmcli' | 'sim';
  scan(refresh: boolean): Promise<WifiNetwork[]>;
  /** Joins `ssid` (a saved profile when `password` is absent) and resolves with the new link. */
  connect(ssid: string, password: string | undefined): Promise<ClientLink>;
  disconnect(): Promise<void>;
  setEnabled(on: boolean): Promise<void>;
  read(): Promise<NetworkReading>;
  configureAccessPoint(config: ApConfig): Promise<ApStatus>;
  country(): Promise<string | null>;
  setCountry(country: string): Promise<void>;
}
