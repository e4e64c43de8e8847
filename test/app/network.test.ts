// The WiFi link against the simulated NetworkManager on a hand-moved clock: a wrong password fails, the network
// that drops is lost and joined again after the backoff, the Pi's new address asks for camera rediscovery, and
// the log replays to the live state.
import pino from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyEventObject } from 'xstate';
import { ManualClock } from '../../adapters/clock.ts';
import { DEFAULT_SIM_NETWORKS, SimulatedNetwork } from '../../adapters/network/sim.ts';
import { Network } from '../../app/network.ts';
import { replay } from '../../machines/replay.ts';
import { wifiMachine } from '../../machines/wifi.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import type { Broadcast } from '../../transport/protocol.ts';

const S = suite('network feature');

S('a wrong password, a join, a drop, a reconnection after the backoff, and a rediscovery per address change', async () => {
  const clock = new ManualClock();
  const store = openStore(':memory:');
  const log = new EventLog(store);
  const sim = new SimulatedNetwork(clock, DEFAULT_SIM_NETWORKS, 10);
  const told: Broadcast[] = [];
  const rediscoveries: string[][] = [];
  const net = new Network({
    port: sim,
    clock,
    log,
    logger: pino({ level: 'silent' }),
    sessionShooting: () => false,
    emit: (b) => void told.push(b),
    onAddressesChanged: (c) => void rediscoveries.push(c.addresses),
    hooks: { onError: (e) => assert.unreachable(String(e)), onAppendFailed: (e) => assert.unreachable(String(e)) },
    watchIntervalMs: 1_000,
  });
  const flush = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };
  /** Moves the clock in 10 ms steps, letting promises settle between them. */
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      clock.advance(10);
      await flush();
    }
  };
  const events = () => told.filter((b) => b.type === 'network_event').map((b) => b.data.eventType as string);

  net.start();
  await advance(20);
  assert.is(net.view().state, 'idle');

  const wrong = net.connect('Observatory', 'not-the-password', undefined).then(
    () => null,
    (e: { code: string; details: { networkCode: string } }) => e,
  );
  await advance(20);
  const refused = await wrong;
  assert.is(refused?.code, 'NETWORK_ERROR');
  assert.is(refused?.details.networkCode, 'WRONG_PASSWORD');

  const join = net.connect('Campsite WiFi', undefined, undefined);
  await advance(20);
  assert.is((await join).network.state, 'connected');
  await advance(1_000);
  assert.equal(rediscoveries, [['172.16.5.9/24', '192.168.4.1/24']], 'the new address asks for rediscovery once');

  // Campsite WiFi drops a minute after it was joined; the watch notices, the link is retried after 2 s.
  await advance(61_000);
  assert.ok(['lost', 'reconnecting', 'connected'].includes(net.view().state));
  await advance(3_000);
  assert.is(net.view().state, 'connected');
  assert.is(net.view().client?.ssid, 'Campsite WiFi');
  const seq = events();
  const lost = seq.indexOf('wifi_disconnected');
  assert.ok(lost > 0, seq.join(', '));
  assert.ok(seq.slice(lost).includes('wifi_connected'), 'joined again after the loss');
  assert.equal(
    told.filter((b) => b.data.eventType === 'wifi_disconnected').map((b) => b.data.reason),
    ['lost'],
  );
  assert.ok(seq.includes('wifi_connection_failed') && seq.includes('addresses_changed'));
  // The drop took the address away and the rejoin brought it back: each change asked for rediscovery.
  assert.equal(rediscoveries.length, 3);

  const live = net.view();
  net.stop();
  const replayed = replay(wifiMachine, log.readStream('network').map((r) => r.data as AnyEventObject))!;
  assert.is(String(replayed.value), live.state);
  assert.equal(replayed.context.link, live.client);
  assert.not.ok(JSON.stringify(log.readStream('network')).includes('not-the-password'), 'a password reached the log');
  store.close();
});

S.run();
