// The phone is the time source. Each WebSocket client is asked for its time NTP style (`time-sync-request {requestId,
// t1}` → `time-sync-response {requestId, t1, t2, t3, timezone}`), a burst of samples at connect and again every few
// minutes; the sample with the smallest delay becomes an estimate, logged on stream `time`, whose machine decides
// (source priority, validity windows, the step threshold, never during a shooting session). Phones on the AP's own
// subnet outrank phones on the client network; a GPS fix counts with its stated accuracy; the camera's clock is the
// last resort. A client that closes (or misses the heartbeat) loses its status.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Actor, SnapshotFrom } from 'xstate';
import { deadlineActor } from '../adapters/machine-actors.ts';
import { stepClockActor, syncCameraActor } from '../adapters/time/actors.ts';
import type { CameraClockPort } from '../adapters/time/camera-clock.ts';
import type { ClockSetter } from '../adapters/time/clock-setter.ts';
import type { Clock } from '../machines/clock.ts';
import { bestSample, phoneSource, sampleOf, type Sample } from '../machines/time-math.ts';
import { timeFacts } from '../machines/time-sync-facts.ts';
import { TIME_MACHINE_VERSION, timeSyncMachine, type Estimate, type TimeEvent, type TimeSyncMachine } from '../machines/time-sync.ts';
import type { EventLog } from '../store/event-log.ts';
import { JournaledStream, startJournaledActor } from '../store/journal.ts';
import { ProtocolError, type Broadcast } from '../transport/protocol.ts';
import { timeFactBroadcast, timeSyncView } from '../transport/views-time.ts';
import { sendAndSettle } from './send-and-settle.ts';

export interface TimeSyncOptions {
  clock: Clock;
  setter: ClockSetter;
  camera: CameraClockPort;
  log: EventLog;
  logger: Logger;
  emit: (b: Broadcast) => void;
  sessionShooting: () => boolean;
  /** The AP's address with prefix (`192.168.4.1/24`): phones inside it are on the AP. */
  apAddress: () => string | null;
  hooks: { onError: (error: unknown) => void; onAppendFailed: (error: unknown, event: { type: string }) => void };
  /** Samples per burst (the smallest delay wins), the pause between them, how long one waits, and the resync period. */
  samples?: number;
  spacingMs?: number;
  replyTimeoutMs?: number;
  resyncMs?: number;
}

/** A connected client as the transport knows it. */
export interface TimeClient {
  id: string;
  remote: string | null;
  send: (message: unknown) => void;
}

interface Peer extends TimeClient {
  pending: Map<string, { t1: number; timer: unknown }>;
  samples: Sample[];
  asked: number;
  timezone: string | null;
  resync: unknown;
}

export interface TimeSyncResponse {
  requestId: string;
  t1: number;
  t2: number;
  t3: number;
  timezone?: string | undefined;
}

export interface GpsResponse {
  latitude: number;
  longitude: number;
  accuracy: number;
  timestamp: number;
  timeAccuracyMs?: number | undefined;
}

type Snapshot = SnapshotFrom<TimeSyncMachine>;

export class TimeSync {
  private readonly machine: TimeSyncMachine;
  private readonly peers = new Map<string, Peer>();
  private journal?: JournaledStream<TimeSyncMachine>;
  private actor?: Actor<TimeSyncMachine>;

  constructor(private readonly o: TimeSyncOptions) {
    const { clock, setter } = o;
    this.machine = timeSyncMachine.provide({
      actors: {
        stepClock: stepClockActor(setter, clock),
        syncCamera: syncCameraActor(o.camera, setter, clock, { shooting: o.sessionShooting, timeZone: () => this.journal?.snapshot?.context.pi.timezone ?? null }),
        deadline: deadlineActor(clock),
      },
    });
  }

  start(): void {
    const journal = new JournaledStream(this.machine, 'time', this.o.log, this.o.clock, {
      machineVersion: TIME_MACHINE_VERSION,
      foldFromLastStart: true,
      facts: (previous, next, event) => timeFacts(previous, next, event),
      onTransition: (t) => {
        for (const fact of t.recorded.facts) this.o.emit(timeFactBroadcast(fact, t.snapshot));
        const pi = t.snapshot.context.pi;
        if (t.previous && (t.previous.value as { pi: string }).pi === 'stepping' && pi.lastStep) {
          // The schedule runs on the monotonic clock: a step moves only the wall-clock labels.
          this.o.logger.warn({ stepMs: pi.lastStep.deltaMs, source: pi.source, setter: this.o.setter.kind }, "stepped the Pi's clock");
        }
        if (t.recorded.facts.some((f) => (f.data as { changes: string[] }).changes.includes('step_deferred'))) {
          this.o.logger.warn({ offsetMs: pi.pendingStepMs, source: pi.source }, "the Pi's clock is off, but a session is shooting: the step waits");
        }
      },
    });
    this.journal = journal;
    this.actor = startJournaledActor(journal, { input: undefined as never }, this.o.hooks);
  }

  stop(): void {
    for (const id of [...this.peers.keys()]) this.detach(id);
    this.actor?.stop();
  }

  view() {
    return timeSyncView(this.journal?.snapshot ?? null);
  }

  /** A client connected: it is asked for its time at once. Returns the detach to call when it goes. */
  attach(client: TimeClient): () => void {
    const peer: Peer = { ...client, pending: new Map(), samples: [], asked: 0, timezone: null, resync: null };
    this.peers.set(client.id, peer);
    this.burst(peer);
    return () => this.detach(client.id);
  }

  /** The answer to one of our requests, stamped t4 on arrival. */
  response(clientId: string, r: TimeSyncResponse) {
    const t4 = this.o.setter.wall();
    const peer = this.peers.get(clientId);
    const pending = peer?.pending.get(r.requestId);
    if (!peer || !pending || pending.t1 !== r.t1) throw new ProtocolError('NOT_FOUND', `No time-sync request ${r.requestId} is waiting for this client`);
    this.o.clock.clearTimeout(pending.timer);
    peer.pending.delete(r.requestId);
    const sample = sampleOf({ t1: r.t1, t2: r.t2, t3: r.t3, t4 });
    peer.samples.push(sample);
    if (r.timezone) peer.timezone = r.timezone;
    this.next(peer);
    return { requestId: r.requestId, ...sample };
  }

  /** A GPS fix's time: an estimate whose uncertainty is its stated time accuracy (1 s when it states none). */
  gps(clientId: string, g: GpsResponse) {
    const t4 = this.o.setter.wall();
    const uncertainty = g.timeAccuracyMs ?? 1_000;
    const estimate: Estimate = { source: 'gps', sourceId: `gps:${clientId}`, offsetMs: g.timestamp - t4, delayMs: 2 * uncertainty, timezone: this.peers.get(clientId)?.timezone ?? null };
    this.estimate(estimate);
    return { offsetMs: estimate.offsetMs, uncertaintyMs: uncertainty };
  }

  /** `manual_camera_sync`: set the camera from the Pi now (refused while a session shoots unless forced). */
  async syncCamera(force: boolean | undefined) {
    if (force !== true && this.o.sessionShooting()) {
      throw new ProtocolError('SESSION_ACTIVE', 'Setting the camera clock during a session could cost it a frame; send force: true to do it anyway');
    }
    const s = await this.run({ type: 'CAMERA_SYNC', mono: this.o.clock.mono(), wall: this.o.clock.wall() }, (x) => (x.value as { camera: string }).camera === 'idle');
    const error = s.context.camera.error;
    if (error) throw new ProtocolError('CAMERA_ERROR', `The camera clock was not set: ${error.message}`, { cameraCode: error.code });
    return { timeSync: this.view() };
  }

  /**
   * The camera (re)connected. A Pi no one has told the time yet takes the camera's clock (the last resort); a Pi
   * that knows it sets a camera that was not set yet or whose last setting failed.
   */
  async cameraConnected(): Promise<void> {
    const s = this.journal?.snapshot;
    // A session's shots have the camera to themselves (its clock waits for the next time the Pi syncs).
    if (!s || !this.actor || this.o.sessionShooting()) return;
    if (s.context.pi.lastSync === null) {
      try {
        const before = this.o.setter.wall();
        const utc = await this.o.camera.read();
        const after = this.o.setter.wall();
        // Whole seconds: the reading stands for the middle of its second, uncertain by half a second plus the trip.
        this.estimate({ source: 'camera', sourceId: 'camera', offsetMs: utc + 500 - (before + after) / 2, delayMs: after - before + 1_000, timezone: null });
      } catch (error) {
        this.o.logger.warn({ err: error }, 'could not read the camera clock');
      }
    } else if ((s.value as { pi: string }).pi === 'synced' && (s.context.camera.lastSync === null || s.context.camera.error)) {
      this.actor.send({ type: 'CAMERA_SYNC', mono: this.o.clock.mono(), wall: this.o.clock.wall() });
    }
  }

  private estimate(estimate: Estimate): void {
    this.actor?.send({ type: 'ESTIMATE', estimate, shooting: this.o.sessionShooting(), mono: this.o.clock.mono(), wall: this.o.setter.wall() });
  }

  private burst(peer: Peer): void {
    peer.samples = [];
    peer.asked = 0;
    this.ask(peer);
  }

  private ask(peer: Peer): void {
    const requestId = randomUUID();
    const t1 = this.o.setter.wall();
    const timer = this.o.clock.setTimeout(() => {
      // No answer: this sample is lost; the burst goes on with the next.
      peer.pending.delete(requestId);
      this.next(peer);
    }, this.o.replyTimeoutMs ?? 2_000);
    peer.pending.set(requestId, { t1, timer });
    peer.asked++;
    peer.send({ type: 'time-sync-request', data: { requestId, t1 } });
  }

  /** After an answer or a timeout: ask again, or finish the burst with its best sample. */
  private next(peer: Peer): void {
    if (!this.peers.has(peer.id)) return;
    if (peer.asked < (this.o.samples ?? 8)) {
      peer.resync = this.o.clock.setTimeout(() => this.ask(peer), this.o.spacingMs ?? 100);
      return;
    }
    const best = bestSample(peer.samples);
    if (best) this.estimate({ source: phoneSource(peer.remote, this.o.apAddress()), sourceId: peer.id, offsetMs: best.offsetMs, delayMs: best.delayMs, timezone: peer.timezone });
    peer.resync = this.o.clock.setTimeout(() => this.burst(peer), this.o.resyncMs ?? 5 * 60_000);
  }

  private detach(id: string): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    this.peers.delete(id);
    this.o.clock.clearTimeout(peer.resync);
    for (const p of peer.pending.values()) this.o.clock.clearTimeout(p.timer);
    for (const sourceId of [id, `gps:${id}`]) this.actor?.send({ type: 'SOURCE_GONE', sourceId, mono: this.o.clock.mono(), wall: this.o.clock.wall() });
  }

  private run(event: TimeEvent, done: (s: Snapshot) => boolean): Promise<Snapshot> {
    const actor = this.actor;
    if (!actor) return Promise.reject(new ProtocolError('INTERNAL_ERROR', 'time sync is not started'));
    if (!actor.getSnapshot().can(event)) return Promise.reject(new ProtocolError('CAMERA_BUSY', 'The camera clock is being set already'));
    return sendAndSettle(actor, event, done);
  }
}
