// What clients see of the WiFi link: one view used by welcome, replies and `network_event` broadcasts alike.
import type { SnapshotFrom } from 'xstate';
import type { NetworkFact } from '../machines/wifi-facts.ts';
import type { WifiMachine } from '../machines/wifi.ts';
import type { RecordedFact } from '../store/event-log.ts';
import type { Broadcast } from './protocol.ts';

export function networkView(s: SnapshotFrom<WifiMachine> | null, backend: 'nmcli' | 'sim') {
  if (!s) return { state: 'starting', backend, enabled: false, client: null, target: null, ap: null, addresses: [], networks: [], scannedAt: null, country: null, lastError: null, attempt: 0 };
  const c = s.context;
  return {
    state: String(s.value) as 'disabled' | 'enabling' | 'disabling' | 'idle' | 'scanning' | 'connecting' | 'connected' | 'disconnecting' | 'lost' | 'reconnecting',
    backend: c.backend,
    enabled: c.enabled,
    /** The client link (ssid, ip, signal) or null; still set while a scan runs on top of it. */
    client: c.link,
    target: c.target,
    /** Never carries the passphrase. */
    ap: c.ap,
    addresses: c.addresses,
    networks: c.networks,
    scannedAt: c.scannedAt,
    country: c.country,
    lastError: c.lastError,
    attempt: c.attempt,
  };
}
export type NetworkView = ReturnType<typeof networkView>;

/** The broadcast of one stored network fact: the seed's event name and fields, and the view after the event. */
export function networkFactBroadcast(fact: RecordedFact, snapshot: SnapshotFrom<WifiMachine>): Broadcast {
  const { type: _type, ...data } = fact.data as NetworkFact;
  return { type: 'network_event', seq: fact.seq, timestamp: new Date(fact.at).toISOString(), data: { ...data, network: networkView(snapshot, snapshot.context.backend) } };
}
