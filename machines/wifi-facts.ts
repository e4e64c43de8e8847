// Facts of the WiFi link, derived from each logged transition (previous and next snapshot): the seed's network
// events, named by `eventType`. Pure, so a replay derives the same facts. One transition may say several things
// (a reading that shows the link gone and the addresses changed); an otherwise silent change is `network_status`.
import type { AnyEventObject, SnapshotFrom } from 'xstate';
import type { ApStatus } from './network-port.ts';
import { INIT_EVENT } from './replay.ts';
import type { WifiError, WifiMachine } from './wifi.ts';

export type NetworkFact = { type: 'network' } & (
  | { eventType: 'wifi_connection_started'; ssid: string }
  | { eventType: 'wifi_connected'; ssid: string; ip: string | null; signal: number | null }
  | { eventType: 'wifi_connection_failed'; ssid: string | null; error: WifiError; reconnect: boolean }
  | { eventType: 'wifi_disconnected'; ssid: string | null; reason: 'user' | 'lost' | 'disabled' }
  | { eventType: 'wifi_enabled' }
  | { eventType: 'wifi_disabled' }
  | { eventType: 'network_scan_complete'; networkCount: number }
  | { eventType: 'access_point_changed'; ap: ApStatus | null }
  | { eventType: 'addresses_changed'; previous: string[]; addresses: string[] }
  | { eventType: 'wifi_country_changed'; country: string }
  | { eventType: 'network_status'; state: string }
);

type Snapshot = SnapshotFrom<WifiMachine>;

/** Connected, or scanning on top of a live link. */
const linked = (s: Snapshot | null) => s !== null && s.context.link !== null && (s.value === 'connected' || s.value === 'scanning');

export function networkFacts(previous: Snapshot | null, next: Snapshot, event: AnyEventObject): NetworkFact[] {
  const state = String(next.value);
  if (event.type === INIT_EVENT || previous === null) return [{ type: 'network', eventType: 'network_status', state }];
  const p = previous.context;
  const n = next.context;
  const out: NetworkFact[] = [];
  if (p.enabled && !n.enabled) out.push({ type: 'network', eventType: 'wifi_disabled' });
  if (!p.enabled && n.enabled) out.push({ type: 'network', eventType: 'wifi_enabled' });
  if (event.type === 'CONNECT' && next.value === 'connecting') out.push({ type: 'network', eventType: 'wifi_connection_started', ssid: n.target ?? '' });
  if (previous.value === 'connecting' && next.value === 'idle' && n.lastError) {
    out.push({ type: 'network', eventType: 'wifi_connection_failed', ssid: n.lastError.ssid, error: n.lastError, reconnect: false });
  }
  if (previous.value === 'reconnecting' && next.value === 'lost' && n.lastError) {
    out.push({ type: 'network', eventType: 'wifi_connection_failed', ssid: n.lastError.ssid, error: n.lastError, reconnect: true });
  }
  // Said once, when the link is really gone: not when a disconnect or a radio switch merely starts.
  const gone =
    linked(previous) && next.value === 'lost'
      ? 'lost'
      : linked(previous) && next.value === 'disabled'
        ? 'disabled'
        : previous.value === 'disconnecting' && next.value === 'idle'
          ? 'user'
          : previous.value === 'disabling' && next.value === 'disabled' && p.link
            ? 'disabled'
            : null;
  if (gone) out.push({ type: 'network', eventType: 'wifi_disconnected', ssid: p.link?.ssid ?? null, reason: gone });
  if (next.value === 'connected' && (!linked(previous) || p.link?.ssid !== n.link?.ssid) && n.link) {
    out.push({ type: 'network', eventType: 'wifi_connected', ssid: n.link.ssid, ip: n.link.ip, signal: n.link.signal });
  }
  if (previous.value === 'scanning' && next.value !== 'scanning' && n.scannedAt !== p.scannedAt) {
    out.push({ type: 'network', eventType: 'network_scan_complete', networkCount: n.networks.length });
  }
  if (JSON.stringify(p.ap) !== JSON.stringify(n.ap)) out.push({ type: 'network', eventType: 'access_point_changed', ap: n.ap });
  if (JSON.stringify(p.addresses) !== JSON.stringify(n.addresses)) {
    out.push({ type: 'network', eventType: 'addresses_changed', previous: p.addresses, addresses: n.addresses });
  }
  if (p.country !== n.country && n.country !== null) out.push({ type: 'network', eventType: 'wifi_country_changed', country: n.country });
  return out.length > 0 ? out : [{ type: 'network', eventType: 'network_status', state }];
}
