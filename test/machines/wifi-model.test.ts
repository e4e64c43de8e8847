// Model-based, like the camera's: every shortest path of the WiFi link machine, driven through a live journaled
// actor with hand-driven actors; replaying the log must give the live snapshot and the model's state, and the facts
// derived on replay must be the ones stored.
import { handDriven } from '../helpers/hand-driven.ts';
import { assertReplayLaw } from '../helpers/replay-law.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fromCallback, type AnyEventObject, type EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { ManualClock } from '../../adapters/clock.ts';
import type { NetworkReading } from '../../machines/network-port.ts';
import { step } from '../../machines/replay.ts';
import { networkFacts } from '../../machines/wifi-facts.ts';
import { reconnectDelaysMs, WIFI_MACHINE_VERSION, wifiMachine, type ConnectResult, type ScanResult, type WifiFailure } from '../../machines/wifi.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream, startJournaledActor } from '../../store/journal.ts';

const S = suite('wifi machine, model-based');
const input = { backend: 'sim' as const };
const ap = { active: true, ssid: 'skylapse', channel: 6, hidden: false, clients: 1, address: '192.168.4.1/24' };
const link = { ssid: 'Observatory', ip: '10.0.0.23', signal: 70 };
const reading = (r: Partial<NetworkReading>): NetworkReading => ({ enabled: true, link: null, ap, addresses: ['192.168.4.1/24'], ...r });

type Snap = ReturnType<typeof wifiMachine.transition>;
function eventsFor(s: Snap): AnyEventObject[] {
  const t = (s.context.retryAt ?? 0) + 1;
  const failure: WifiFailure = { code: 'WRONG_PASSWORD', message: 'Secrets were required', mono: t, wall: t };
  const connected: ConnectResult = { link, mono: t, wall: t };
  const scanned: ScanResult = { networks: [{ ssid: 'Observatory', bssid: null, signal: 70, security: 'WPA2', channel: 6, inUse: false }], mono: t, wall: t };
  return [
    { type: 'SCAN', refresh: true, at: t },
    { type: 'CONNECT', ssid: 'Observatory', at: t },
    { type: 'DISCONNECT', at: t },
    { type: 'ENABLE', at: t },
    { type: 'DISABLE', at: t },
    { type: 'TICK', mono: t, wall: t },
    { type: 'READING', reading: reading({ link, addresses: ['10.0.0.23/24', '192.168.4.1/24'] }), mono: t, wall: t },
    { type: 'READING', reading: reading({}), mono: t, wall: t },
    { type: 'READING', reading: reading({ enabled: false, ap: { ...ap, active: false, clients: 0 }, addresses: [] }), mono: t, wall: t },
    { type: 'AP_CHANGED', ap: { ...ap, ssid: 'sky' }, at: t },
    { type: 'xstate.done.actor.scan', output: scanned },
    { type: 'xstate.error.actor.scan', error: failure },
    { type: 'xstate.done.actor.connect', output: connected },
    { type: 'xstate.error.actor.connect', error: failure },
    { type: 'xstate.done.actor.disconnect', output: { mono: t, wall: t } },
    { type: 'xstate.done.actor.radio', output: { mono: t, wall: t } },
    { type: 'xstate.error.actor.radio', error: { ...failure, code: 'FAILED' } },
  ];
}

const paths = getShortestPaths(wifiMachine, {
  input,
  events: eventsFor as never,
  // Attempts past the backoff table behave alike; readings differ only in what the view shows.
  serializeState: (s) =>
    JSON.stringify([s.value, Math.min(s.context.attempt, 2), s.context.enabled, s.context.link !== null]),
});

S(`reaches every link state (${paths.length} paths)`, () => {
  const values = new Set(paths.map((p) => String(p.state.value)));
  for (const v of ['disabled', 'enabling', 'disabling', 'idle', 'scanning', 'connecting', 'connected', 'disconnecting', 'lost', 'reconnecting']) {
    assert.ok(values.has(v), `no path reaches ${v}`);
  }
});

S('on every path, replaying the log gives the live snapshot, the model state and the same facts', async () => {
  for (const path of paths) {
    const store = openStore(':memory:');
    const log = new EventLog(store);
    const { hold, drive } = handDriven();
    const machine = wifiMachine.provide({
      actors: {
        watch: fromCallback<EventObject>(() => undefined),
        deadline: fromCallback<EventObject, { at: number }>(() => undefined),
        scan: hold('scan'),
        connect: hold('connect'),
        disconnect: hold('disconnect'),
        radio: hold('radio'),
      } as never,
    });
    const journal = new JournaledStream(machine, 'network', log, new ManualClock(), {
      machineVersion: WIFI_MACHINE_VERSION,
      foldFromLastStart: true,
      facts: (previous, next, event) => networkFacts(previous, next, event),
    });
    const actor = startJournaledActor(journal, { input }, { onError: (e) => assert.unreachable(String(e)), onAppendFailed: (e) => assert.unreachable(String(e)) });
    await drive(path.steps, (e) => actor.send(e as Parameters<typeof actor.send>[0]));
    assertReplayLaw(wifiMachine, actor.getSnapshot(), log.readStream('network'), {
      modelValue: path.state.value,
      trail: path.steps.map((s) => s.event.type).join(' → '),
      facts: networkFacts,
    });
    actor.stop();
    store.close();
  }
});

const t0 = { mono: 0, wall: 0 };
S('a wrong password fails the join with the seed fact and keeps no target', () => {
  let s = step(wifiMachine, null, { type: 'xstate.init', input }).snapshot;
  const connect = step(wifiMachine, s, { type: 'CONNECT', ssid: 'Observatory', at: 1 });
  assert.equal(networkFacts(s, connect.snapshot, { type: 'CONNECT' }).map((f) => f.eventType), ['wifi_connection_started']);
  s = connect.snapshot;
  const failed = step(wifiMachine, s, { type: 'xstate.error.actor.connect', error: { code: 'WRONG_PASSWORD', message: 'no', ...t0 } }).snapshot;
  assert.is(failed.value, 'idle');
  assert.is(failed.context.target, null);
  const facts = networkFacts(s, failed, { type: 'xstate.error.actor.connect' });
  assert.equal(facts.map((f) => f.eventType), ['wifi_connection_failed']);
});

S('a dropped link is retried against the same network after the backoff, and says so once', () => {
  let s = step(wifiMachine, null, { type: 'xstate.init', input }).snapshot;
  s = step(wifiMachine, s, { type: 'CONNECT', ssid: 'Observatory', at: 1 }).snapshot;
  s = step(wifiMachine, s, { type: 'xstate.done.actor.connect', output: { link, mono: 10, wall: 10 } }).snapshot;
  const lost = step(wifiMachine, s, { type: 'READING', reading: reading({}), mono: 100, wall: 100 }).snapshot;
  assert.is(lost.value, 'lost');
  assert.is(lost.context.retryAt, 100 + reconnectDelaysMs[0]);
  assert.equal(networkFacts(s, lost, { type: 'READING' }).filter((f) => f.eventType === 'wifi_disconnected'), [
    { type: 'network', eventType: 'wifi_disconnected', ssid: 'Observatory', reason: 'lost' },
  ]);
  const retrying = step(wifiMachine, lost, { type: 'TICK', mono: 2_100, wall: 2_100 }).snapshot;
  assert.is(retrying.value, 'reconnecting');
  const again = step(wifiMachine, retrying, { type: 'xstate.error.actor.connect', error: { code: 'NOT_FOUND', message: 'gone', mono: 2_300, wall: 2_300 } }).snapshot;
  assert.is(again.value, 'lost');
  assert.is(again.context.retryAt, 2_300 + reconnectDelaysMs[1]);
  assert.is(again.context.target, 'Observatory');
});

S.run();
