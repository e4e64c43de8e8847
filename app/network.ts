// The WiFi link as the controller holds it: the journaled `network` stream, its live actor, and the one command
// path every entry point (WebSocket, REST) goes through. Operations that can drop the camera's network (connect,
// disconnect, disable, AP changes) are refused while a session shoots unless forced: checked here, against the
// controller's real session state, so no entry point can skip it.
import type { Logger } from 'pino';
import type { Actor, SnapshotFrom } from 'xstate';
import { deadlineActor } from '../adapters/machine-actors.ts';
import { connectActor, disconnectActor, PendingSecrets, radioActor, scanActor, watchActor } from '../adapters/network/actors.ts';
import type { Clock } from '../machines/clock.ts';
import type { ApConfig, NetworkPort } from '../machines/network-port.ts';
import { NetworkError } from '../machines/network-port.ts';
import { networkFacts } from '../machines/wifi-facts.ts';
import { WIFI_MACHINE_VERSION, wifiMachine, type WifiEvent, type WifiMachine } from '../machines/wifi.ts';
import type { EventLog } from '../store/event-log.ts';
import { JournaledStream, startJournaledActor } from '../store/journal.ts';
import { ProtocolError, type Broadcast } from '../transport/protocol.ts';
import { networkFactBroadcast, networkView } from '../transport/views-network.ts';
import { sendAndSettle } from './send-and-settle.ts';

export interface NetworkOptions {
  port: NetworkPort;
  clock: Clock;
  log: EventLog;
  logger: Logger;
  /** True while a session is shooting: the guard's one source. */
  sessionShooting: () => boolean;
  emit: (b: Broadcast) => void;
  /** The Pi's addresses changed: the camera may be reachable elsewhere now. */
  onAddressesChanged: (change: { previous: string[]; addresses: string[] }) => void;
  hooks: { onError: (error: unknown) => void; onAppendFailed: (error: unknown, event: { type: string }) => void };
  watchIntervalMs?: number;
}

type Snapshot = SnapshotFrom<WifiMachine>;

export class Network {
  private readonly machine: WifiMachine;
  private readonly secrets = new PendingSecrets();
  private journal?: JournaledStream<WifiMachine>;
  private actor?: Actor<WifiMachine>;

  constructor(private readonly o: NetworkOptions) {
    const { port, clock } = o;
    this.machine = wifiMachine.provide({
      actors: {
        watch: watchActor(port, clock, { intervalMs: o.watchIntervalMs ?? 5_000, logger: o.logger }),
        scan: scanActor(port, clock),
        connect: connectActor(port, clock, this.secrets),
        disconnect: disconnectActor(port, clock),
        radio: radioActor(port, clock),
        deadline: deadlineActor(clock),
      },
    });
  }

  start(): void {
    const journal = new JournaledStream(this.machine, 'network', this.o.log, this.o.clock, {
      machineVersion: WIFI_MACHINE_VERSION,
      foldFromLastStart: true,
      facts: (previous, next, event) => networkFacts(previous, next, event),
      onTransition: (t) => {
        for (const fact of t.recorded.facts) {
          this.o.emit(networkFactBroadcast(fact, t.snapshot));
          const f = fact.data as ReturnType<typeof networkFacts>[number];
          // The first reading of a boot is not a change of address.
          if (f.eventType === 'addresses_changed' && t.previous !== null && t.previous.context.addresses.length > 0) {
            this.o.logger.info({ previous: f.previous, addresses: f.addresses }, "the Pi's addresses changed: rediscovering the camera");
            this.o.onAddressesChanged({ previous: f.previous, addresses: f.addresses });
          }
        }
      },
    });
    this.journal = journal;
    this.actor = startJournaledActor(journal, { input: { backend: this.o.port.kind } }, this.o.hooks);
    this.o.logger.info({ backend: this.o.port.kind }, 'WiFi link machine started');
  }

  stop(): void {
    this.actor?.stop();
  }

  view() {
    return networkView(this.journal?.snapshot ?? null, this.o.port.kind);
  }

  /** The AP's address with prefix, for telling phones on the AP from phones on the client network. */
  apAddress(): string | null {
    return this.journal?.snapshot?.context.ap?.address ?? null;
  }

  async scan(refresh: boolean) {
    const before = this.journal?.snapshot?.context.scannedAt ?? null;
    const s = await this.run({ type: 'SCAN', refresh, at: this.o.clock.wall() }, (x) => x.value !== 'scanning');
    // A failed scan keeps the previous list: say so rather than pass it off as fresh.
    if (s.context.scannedAt === before) throw this.failure(s, 'The scan failed');
    return { networks: s.context.networks, scannedAt: s.context.scannedAt, network: this.view() };
  }

  async connect(ssid: string, password: string | undefined, force: boolean | undefined) {
    this.guard('network_connect', force);
    if (password !== undefined) this.secrets.put(ssid, password);
    try {
      const s = await this.run({ type: 'CONNECT', ssid, at: this.o.clock.wall() }, (x) => x.value !== 'connecting');
      if (s.value !== 'connected') throw this.failure(s, `Could not join ${ssid}`);
      return { network: this.view() };
    } finally {
      this.secrets.take(ssid); // a password never outlives its attempt
    }
  }

  async disconnect(force: boolean | undefined) {
    this.guard('network_disconnect', force);
    await this.run({ type: 'DISCONNECT', at: this.o.clock.wall() }, (x) => x.value !== 'disconnecting');
    return { network: this.view() };
  }

  async enable() {
    if (this.journal?.snapshot?.value !== 'disabled') return { network: this.view() };
    const s = await this.run({ type: 'ENABLE', at: this.o.clock.wall() }, (x) => x.value !== 'enabling');
    if (s.value === 'disabled') throw this.failure(s, 'Could not turn WiFi on');
    return { network: this.view() };
  }

  async disable(force: boolean | undefined) {
    this.guard('wifi_disable', force);
    if (this.journal?.snapshot?.value === 'disabled') return { network: this.view() };
    const s = await this.run({ type: 'DISABLE', at: this.o.clock.wall() }, (x) => x.value !== 'disabling');
    if (s.value !== 'disabled') throw this.failure(s, 'Could not turn WiFi off');
    return { network: this.view() };
  }

  async country() {
    const country = await this.io(() => this.o.port.country());
    if (country && country !== '00') this.send({ type: 'COUNTRY', country, at: this.o.clock.wall() });
    return { country };
  }

  async setCountry(country: string) {
    await this.io(() => this.o.port.setCountry(country));
    this.send({ type: 'COUNTRY', country, at: this.o.clock.wall() });
    return { country };
  }

  async configureAccessPoint(config: ApConfig, force: boolean | undefined) {
    this.guard('configure_access_point', force);
    // The passphrase goes to the adapter and nowhere else: not the event, not the log, not the reply.
    this.o.logger.info({ ssid: config.ssid, channel: config.channel, hidden: config.hidden }, 'configuring the access point');
    const ap = await this.io(() => this.o.port.configureAccessPoint(config));
    this.send({ type: 'AP_CHANGED', ap, at: this.o.clock.wall() });
    return { network: this.view() };
  }

  private guard(command: string, force: boolean | undefined): void {
    if (force !== true && this.o.sessionShooting()) {
      throw new ProtocolError('SESSION_ACTIVE', `${command} could drop the camera's network while a session is shooting; send force: true to do it anyway`, {
        command,
      });
    }
    if (force === true && this.o.sessionShooting()) this.o.logger.warn({ command }, 'network change forced during a shooting session');
  }

  private send(event: WifiEvent): void {
    if (!this.actor) throw new ProtocolError('NETWORK_ERROR', 'The WiFi link is not started yet');
    this.actor.send(event);
  }

  /** Sends `event` if the machine takes it now, and resolves with the snapshot once `done` holds. */
  private run(event: WifiEvent, done: (s: Snapshot) => boolean): Promise<Snapshot> {
    const actor = this.actor;
    if (!actor) return Promise.reject(new ProtocolError('NETWORK_ERROR', 'The WiFi link is not started yet'));
    const before = actor.getSnapshot();
    if (!before.can(event)) {
      return Promise.reject(new ProtocolError('NETWORK_ERROR', `The WiFi link is ${String(before.value)}; ${event.type.toLowerCase()} must wait`, { state: String(before.value), networkCode: 'BUSY' }));
    }
    return sendAndSettle(actor, event, done);
  }

  private failure(s: Snapshot, what: string): ProtocolError {
    const e = s.context.lastError;
    return new ProtocolError('NETWORK_ERROR', e ? `${what}: ${e.message}` : what, { networkCode: e?.code ?? null, ssid: e?.ssid ?? null, state: String(s.value) });
  }

  private async io<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (error) {
      if (error instanceof NetworkError) throw new ProtocolError('NETWORK_ERROR', error.message, { networkCode: error.code });
      throw error;
    }
  }
}
