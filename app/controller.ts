// The application core: the one command path every entry point (WebSocket now, REST later) goes through. It owns
// the journaled streams (the camera, each session), brings sessions back after a restart, reconciles the log with
// the camera's card, and turns every stored fact into exactly one broadcast.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { fromPromise, type Actor, type SnapshotFrom } from 'xstate';
import { CameraAddress } from './camera-address.ts';
import { connectActor, deadlineActor, LOSS_CODES, monitorActor, PressGate, shootActor } from '../adapters/machine-actors.ts';
import { CAMERA_MACHINE_VERSION, cameraMachine, connectionOf, type CameraMachine, type HeldShutter } from '../machines/camera.ts';
import { CameraSettingsFeature } from './camera-settings.ts';
import { cameraFacts } from '../machines/camera-facts.ts';
import type { CameraPort, CardFile, LateFiles } from '../machines/camera-port.ts';
import type { Clock } from '../machines/clock.ts';
import type { NetworkPort } from '../machines/network-port.ts';
import { SESSION_MACHINE_VERSION, sessionMachine, type SessionMachine } from '../machines/session.ts';
import type { Store } from '../store/db.ts';
import type { EventLog } from '../store/event-log.ts';
import { JournaledStream, startJournaledActor, type Transition } from '../store/journal.ts';
import { projectSessionFacts } from '../store/projections.ts';
import { cameraTimeline, getReportSummary, getSessionShots, openSessions } from '../store/reports.ts';
import { Network } from './network.ts';
import { TimeSync } from './time-sync.ts';
import { Power } from './power.ts';
import type { PowerPort } from '../machines/power-port.ts';
import { cameraClock } from '../adapters/time/camera-clock.ts';
import { DryRunClockSetter, type ClockSetter } from '../adapters/time/clock-setter.ts';
import { SimulatedNetwork } from '../adapters/network/sim.ts';
import { FakePower } from '../adapters/power/fake.ts';
import { ProtocolError, type Broadcast, type StartIntervalometer } from '../transport/protocol.ts';
import { batteryMsPerLevel, preflight } from './preflight.ts';
import { planWindow, ScheduleError } from './schedule.ts';
import { SessionReports } from './session-reports.ts';
import { cameraFactBroadcast, cameraView, sessionFactBroadcast, sessionView, unsavedSessionView } from '../transport/views.ts';
import { CameraJobs, requireBulb } from './camera-jobs.ts';
import { settled } from './settled.ts';
import { liveviewActors } from './liveview.ts';
import { TEST_PHOTO_DIR, testPhotoActor } from './test-photo.ts';

export type ResumePolicy = 'auto' | 'ask';

/** How far ahead of the start command slot 0 is planned (bench: the start's own work took 7–15 ms here, more on SD). */
const FIRST_SLOT_LEAD_MS = 100;
/** How long presses wait, after the camera is back, for the card check that settles the presses before them. */
const CARD_CHECK_HOLD_MS = 300;
/** How far back the camera's battery readings are read to see how fast it drains. */
const BATTERY_LOOKBACK_MS = 12 * 3_600_000;
/** While a session waits for its camera, a reconnection is tried at least this often (the camera's own backoff is longer). */
export const CAMERA_PROBE_MS = 2_000;
/** The camera's status is read this often while connected and no session needs more. */
export const STATUS_INTERVAL_MS = 10_000;

export interface ControllerOptions {
  store: Store;
  log: EventLog;
  camera: CameraPort;
  simulated: boolean;
  clock: Clock;
  logger: Logger;
  /** What a restart does with a session that was shooting or suspended: resume it, or wait for `resume_session`. */
  resume?: ResumePolicy;
  /** How often the camera's battery, card and temperature are read while connected. */
  statusIntervalMs?: number;
  /**
   * Called when an event cannot be appended to the log. The event is then not processed, so the service can no
   * longer keep its promise; the server exits here and recovers from the log on restart. Default: rethrow.
   */
  onFatal?: (error: unknown) => void;
  /** The Pi's WiFi (NetworkManager or its simulated twin; default: the simulated one). */
  network?: NetworkPort;
  /** Sets the Pi's clock from time sync (the system's, or by default a dry run that only logs). */
  clockSetter?: ClockSetter;
  /** The Pi's power and temperature (vcgencmd, /sys), or by default the fake twin. */
  power?: PowerPort;
  /** How often power and temperature are read (default 30 s). */
  powerPollMs?: number;
  /** Live view goes off after this long without a frame asked for (default: the camera machine's). */
  liveviewIdleMs?: number;
  /** Where test-photo previews are kept (`<dataDir>/test-photos`); default: a `test-photos` folder in the cwd. */
  dataDir?: string;
}

type SessionSnapshot = SnapshotFrom<SessionMachine>;
type Live<M extends CameraMachine | SessionMachine> = { journal: JournaledStream<M>; actor: Actor<M> };

export class Controller {
  private readonly listeners = new Set<(b: Broadcast) => void>();
  private readonly cameraMachine: CameraMachine;
  private readonly sessionMachine: SessionMachine;
  private camera?: Live<CameraMachine>;
  /** The session that holds the camera: running, or suspended and waiting for a decision. */
  private active?: Live<SessionMachine>;
  /** The last session that ran in this process, shown after it ends until the next one starts. */
  private lastSession?: JournaledStream<SessionMachine>;
  /** Sessions whose plan ran out while the controller was down, waiting for save or discard, oldest first. */
  private readonly unsaved = new Map<string, JournaledStream<SessionMachine>>();
  /** Ended sessions with presses the card has not settled yet: checked once more when the camera can answer. */
  private readonly settling = new Map<string, JournaledStream<SessionMachine>>();
  /** Sessions whose card should be compared with the log once the camera can answer. */
  private readonly reconcileDue = new Set<string>();
  private reconciling = false;
  private unsubscribeLateFiles?: () => void;
  /** Shots waiting for the camera to (re)connect, until their press window closes. */
  private readonly readyWaiters = new Set<() => void>();
  /** The camera is back and the live session's card is being checked before any press (cameraBack). */
  private checkingCardFirst = false;
  /** A shot was let go to press (cameraReady) and its session is still in `shooting` at that slot. */
  private pressing = false;
  /** The Pi's WiFi link and AP: its commands are guarded against the running session. */
  readonly network: Network;
  /** The phone's time for the Pi, the Pi's for the camera. */
  readonly timeSync: TimeSync;
  /** Battery, supply and temperature: a session is stopped cleanly at the battery floor. */
  readonly power: Power;
  /** Where the camera is: connect_to_ip, moves heard by SSDP, rediscovery. */
  readonly cameraAddress: CameraAddress;
  /** The camera's shooting settings and clock (get/set commands, changes on the body). */
  readonly cameraSettings: CameraSettingsFeature;
  /** The reconnection probe running while the live session waits for its camera. */
  private probe: unknown = null;
  /** A status read of the probe is in flight. */
  private probing = false;
  /** Report titles, deletes and restores (stream `reports`). */
  readonly reports: SessionReports;
  /** The live session's armed press until it leaves: a stop, pause or shutdown holds it back. */
  private readonly press = new PressGate();
  /** Aborted by stop(): a session's bulb frame in flight is released at once. */
  private readonly stopping = new AbortController();
  /** A bulb a session was exposing when the last process died: the camera machine releases it first. */
  private sessionBulbHeld: HeldShutter | null = null;
  /** Test photos and live view, through the camera machine. */
  readonly jobs: CameraJobs;
  readonly testPhotoDir: string;

  constructor(private readonly o: ControllerOptions) {
    const { camera, clock } = o;
    const deadline = deadlineActor(clock);
    this.testPhotoDir = join(o.dataDir ?? '.', TEST_PHOTO_DIR);
    this.cameraMachine = cameraMachine.provide({
      actors: {
        connect: connectActor(camera, clock),
        monitor: monitorActor(camera, clock, { intervalMs: () => this.statusIntervalMs(), logger: o.logger }),
        deadline,
        testPhoto: testPhotoActor({ camera, clock, dir: this.testPhotoDir, logger: o.logger }),
        ...liveviewActors(camera, clock, o.liveviewIdleMs),
        releaseShutter: releaseShutterActor(camera, o.logger),
      },
    });
    this.cameraAddress = new CameraAddress({
      camera,
      clock,
      logger: o.logger,
      retarget: (event) => this.camera?.actor.send(event),
      reconnect: () => this.camera?.actor.send({ type: 'RECONNECT', mono: clock.mono() }),
      holder: () => ({ sessionId: this.active?.journal.snapshot?.context.plan.id ?? null, info: this.camera?.journal.snapshot?.context.info ?? null }),
    });
    this.jobs = new CameraJobs({
      camera,
      clock,
      cameraActor: () => this.camera?.actor ?? null,
      sessionActive: () => this.active?.journal.snapshot ?? null,
      requireCamera: () => this.requireCamera(),
    });
    const shoot = shootActor(camera, clock, (until) => this.cameraReady(until), this.press, this.stopping.signal);
    this.sessionMachine = sessionMachine.provide({ actors: { deadline, shoot } });
    this.network = new Network({
      port: o.network ?? new SimulatedNetwork(clock),
      clock,
      log: o.log,
      logger: o.logger.child({ component: 'network' }),
      sessionShooting: () => this.active?.journal.snapshot?.matches('running') ?? false,
      emit: (b) => this.emit(b),
      // The camera may be reachable elsewhere now: look for it again (logged by the rediscovery).
      onAddressesChanged: () => void this.rediscoverCamera('pi_addresses_changed'),
      hooks: this.actorHooks('network'),
    });
    this.timeSync = new TimeSync({
      clock,
      setter: o.clockSetter ?? new DryRunClockSetter(),
      camera: cameraClock(camera),
      log: o.log,
      logger: o.logger.child({ component: 'time' }),
      emit: (b) => this.emit(b),
      sessionShooting: () => this.active?.journal.snapshot?.matches('running') ?? false,
      apAddress: () => this.network.apAddress(),
      hooks: this.actorHooks('time'),
    });
    this.power = new Power({
      port: o.power ?? new FakePower(),
      clock,
      log: o.log,
      logger: o.logger.child({ component: 'power' }),
      emit: (b) => this.emit(b),
      sessionShooting: () => this.active?.journal.snapshot?.matches('running') ?? false,
      stopSession: (reason) => this.stopSession(reason),
      hooks: this.actorHooks('power'),
      intervalMs: o.powerPollMs,
    });
    this.cameraSettings = new CameraSettingsFeature({
      log: o.log,
      clock,
      logger: o.logger,
      controls: () => camera.controls?.() ?? null,
      requireCamera: () => void this.requireCamera(),
      emit: (b) => this.emit(b),
    });
    this.reports = new SessionReports(o.store, o.log, clock, (b) => this.emit(b));
  }

  /** The camera's clock: `read()` and `set({iso?, timeZone?})` (default: the Pi's time), for commands and time sync. */
  get cameraClock() {
    return this.cameraSettings.clock;
  }

  /**
   * A lost camera must be noticed within one slot or CAMERA_PROBE_MS, whichever is sooner. A session shooting at
   * least that often notices by its own presses (a status read would only get in their way); a slower or held one
   * has the status read every CAMERA_PROBE_MS.
   */
  private statusIntervalMs(): number {
    const base = this.o.statusIntervalMs ?? STATUS_INTERVAL_MS;
    const s = this.active?.journal.snapshot;
    if (!s?.matches('running')) return base;
    const holding = !s.matches({ running: 'waiting' }) && !s.matches({ running: 'shooting' });
    return holding || s.context.plan.intervalMs > CAMERA_PROBE_MS ? Math.min(base, CAMERA_PROBE_MS) : base;
  }

  onBroadcast(listener: (b: Broadcast) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Brings back the sessions the last process left open, then starts the camera connection. */
  start(): void {
    for (const { id } of openSessions(this.o.store)) this.recover(id);
    this.unsubscribeLateFiles = this.o.camera.onLateFiles((late) => this.lateFiles(late));
    this.cameraSettings.start();
    const journal = new JournaledStream(this.cameraMachine, 'camera', this.o.log, this.o.clock, {
      machineVersion: CAMERA_MACHINE_VERSION,
      foldFromLastStart: true,
      // Each boot starts the camera machine anew: a last run an older version logged is no reason not to start.
      restartOnDivergence: true,
      facts: (previous, next, event) => cameraFacts(previous, next, event),
      onTransition: (t) => {
        for (const fact of t.recorded.facts) this.emit(cameraFactBroadcast(fact, t.snapshot));
        if (connectionOf(t.snapshot.value) === 'connected' && (!t.previous || connectionOf(t.previous.value) !== 'connected')) this.cameraBack();
        this.tellSession(t.previous, t.snapshot);
      },
    });
    if (journal.diverged) this.o.logger.warn({ err: journal.diverged.message }, 'the camera stream\'s last run was written by another version; starting afresh');
    // A bulb the last run logged as open and never as closed (a crash, a lost camera) is released first.
    const heldShutter = journal.snapshot?.context.heldShutter ?? this.sessionBulbHeld;
    if (heldShutter) this.o.logger.warn({ heldShutter }, 'a bulb exposure may still hold the shutter open: releasing it once connected');
    const liveviewLeftOn = journal.snapshot?.matches({ connected: 'liveview' }) ?? false;
    const input = { baseUrl: this.o.camera.baseUrl, simulated: this.o.simulated, heldShutter, liveviewLeftOn };
    const actor = startJournaledActor(journal, { input }, this.actorHooks('camera'));
    this.camera = { journal, actor };
    this.network.start();
    this.timeSync.start();
    this.power.start();
    this.cameraAddress.start();
  }

  /** The Pi's network changed (WiFi joined or lost, addresses moved): look for the camera again now. */
  rediscoverCamera(reason: string): Promise<void> {
    return this.cameraAddress.rediscover(reason);
  }

  /**
   * A graceful stop (SIGTERM: systemd stop, reboot): the frame in flight is finished and recorded (a bulb frame is
   * released at once, cut short), the session is logged as suspended, and the next start resumes it. A test photo's
   * bulb is released by the camera's close(). Never recorded as a crash.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    const active = this.active;
    if (this.probe !== null) this.o.clock.clearTimeout(this.probe);
    // A paused session stays paused across the restart; any other running one finishes its frame and is suspended.
    if (active?.journal.snapshot?.matches('running') && !active.journal.snapshot.matches({ running: 'paused' })) {
      active.actor.send({ type: 'SUSPEND', at: this.o.clock.wall() });
      this.press.holdBack();
      await settled(active.actor, (s) => !s.matches('running'));
    }
    this.unsubscribeLateFiles?.();
    this.network.stop();
    this.timeSync.stop();
    this.power.stop();
    this.cameraAddress.stop();
    this.cameraSettings.stop();
    this.active?.actor.stop();
    this.camera?.actor.stop();
    await this.o.camera.close();
  }

  /** The state a newly connected client is greeted with; `seq` is the last broadcast it reflects. */
  state() {
    const session = this.active?.journal.snapshot ?? this.lastSession?.snapshot;
    return {
      seq: this.o.log.lastFactSeq(),
      camera: cameraView(this.camera?.journal.snapshot ?? null),
      intervalometer: session ? sessionView(session) : null,
      unsavedSession: this.unsavedSession(),
      network: this.network.view(),
      timeSync: this.timeSync.view(),
      power: this.power.view(),
    };
  }

  cameraState() {
    return cameraView(this.camera?.journal.snapshot ?? null);
  }

  /** The newest session waiting for save or discard, as a summary; its shots are paged by `sessionShots`. */
  unsavedSession() {
    const newest = [...this.unsaved.values()].at(-1)?.snapshot;
    return newest ? unsavedSessionView(newest) : null;
  }

  /** Every session waiting for save or discard, oldest first. */
  unsavedSessions() {
    return [...this.unsaved.values()].flatMap((j) => (j.snapshot ? [unsavedSessionView(j.snapshot)] : []));
  }

  sessionShots(sessionId: string, fromNumber: number, limit: number) {
    // One row more than asked says whether another page exists.
    const rows = getSessionShots(this.o.store, sessionId, { fromNumber, limit: limit + 1 });
    if (rows.length === 0 && !this.knows(sessionId)) throw new ProtocolError('NOT_FOUND', `No session ${sessionId}`);
    const shots = rows.slice(0, limit);
    return { sessionId, shots, nextFromNumber: rows.length > limit ? rows[limit]!.number : null };
  }

  /** Pre-flight of a plan against the camera as it is now (`validate_interval`); every start runs it too. */
  validateInterval(cmd: StartIntervalometer) {
    return this.plan(cmd).check;
  }

  private plan(cmd: StartIntervalometer) {
    const { clock } = this.o;
    let window;
    try {
      window = planWindow(cmd, clock.wall() + FIRST_SLOT_LEAD_MS);
    } catch (error) {
      if (error instanceof ScheduleError) throw new ProtocolError('VALIDATION_ERROR', error.message);
      throw error;
    }
    const status = this.camera?.journal.snapshot?.context.status ?? null;
    const now = clock.wall();
    const readings = cameraTimeline(this.o.store, now - BATTERY_LOOKBACK_MS, now).map((r) => ({ atMs: r.at, battery: r.battery }));
    const check = preflight({
      intervalMs: cmd.intervalMs,
      bulbSeconds: cmd.bulbSeconds ?? null,
      window,
      status,
      observedCycleMs: null,
      cameraClockOffsetMs: this.cameraSettings.lastClockOffsetMs(),
      batteryMsPerLevel: batteryMsPerLevel(readings),
    });
    return { window, check };
  }

  startSession(cmd: StartIntervalometer) {
    const held = this.active?.journal.snapshot;
    if (held) {
      const suspended = held.matches('suspended');
      throw new ProtocolError(
        'SESSION_ACTIVE',
        suspended ? 'A suspended session holds the camera: resume, save or discard it first' : 'A session is already running',
        { sessionId: held.context.plan.id, state: suspended ? 'suspended' : sessionView(held).state },
      );
    }
    const camera = this.requireCamera();
    const bulbSeconds = cmd.bulbSeconds ?? null;
    if (bulbSeconds !== null) requireBulb(camera.status);
    const { window, check } = this.plan(cmd);
    if (check.errors.length > 0 && !cmd.force) {
      throw new ProtocolError('PREFLIGHT_FAILED', check.errors.map((e) => e.message).join('; '), { ...check });
    }
    this.jobs.yieldToSession();
    const { clock } = this.o;
    const id = randomUUID();
    // Slot 0 is planned a moment ahead (planWindow got now + lead): the start is appended (fsync), broadcast and
    // answered before the first press can go, and a slot planned at the very instant of the command would be late
    // by exactly that work. A scheduled start is its own wall time, on this process's monotonic clock.
    const wall = clock.wall();
    const mono = clock.mono();
    const startedAt = window.startAt;
    const status = camera.status;
    const plan = {
      id,
      title: cmd.title ?? `Session ${new Date(startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      intervalMs: cmd.intervalMs,
      totalShots: window.totalShots,
      stopCondition: cmd.stopCondition,
      startedAt,
      scheduled: window.scheduled,
      stopAt: window.stopAt,
      durationMs: cmd.durationMs,
      timeZone: cmd.timeZone,
      plannedAt: wall,
      ...(cmd.maxFailedInRow === null ? {} : { maxFailedInRow: cmd.maxFailedInRow }),
      camera: {
        model: camera.info?.productname ?? null,
        serial: camera.info?.serialnumber ?? null,
        firmware: camera.info?.firmwareversion ?? null,
        tv: status?.tv ?? null,
        battery: status?.battery?.level ?? null,
        storage: status?.storage ? { spaceBytes: status.storage.spaceBytes, maxBytes: status.storage.maxBytes, contents: status.storage.contents } : null,
        temperature: status?.temperature ?? null,
      },
      ...(bulbSeconds === null ? {} : { bulbSeconds }),
    };
    const journal = this.sessionJournal(id);
    this.goLive(journal, startJournaledActor(journal, { input: { plan, anchorMono: mono + (startedAt - wall), armOnDone: true } }, this.actorHooks(`session:${id}`)));
    return { session: sessionView(journal.snapshot!), warnings: check.warnings, estimate: check.estimate, ...(check.errors.length ? { forcedErrors: check.errors } : {}) };
  }

  /** Pauses the live session: its slots are skipped (`paused`) until resumed, on the same grid. */
  pauseSession() {
    const live = this.liveSession('running');
    const { clock } = this.o;
    const wall = clock.wall();
    live.actor.send({ type: 'PAUSE', at: wall, mono: clock.mono(), wall });
    this.press.holdBack();
    return sessionView(live.journal.snapshot!);
  }

  /** Ends a pause (or a hold for too many failed frames); shooting goes on at the next slot of the grid. */
  unpauseSession() {
    const live = this.liveSession('running');
    if (!live.journal.snapshot!.matches({ running: 'paused' })) throw new ProtocolError('NOT_FOUND', 'The session is not paused');
    const { clock } = this.o;
    const wall = clock.wall();
    live.actor.send({ type: 'UNPAUSE', at: wall, mono: clock.mono(), wall });
    return sessionView(live.journal.snapshot!);
  }

  private liveSession(state: 'running'): Live<SessionMachine> {
    if (!this.active?.journal.snapshot?.matches(state)) throw new ProtocolError('NOT_FOUND', 'No session is running');
    return this.active;
  }

  /**
   * The camera stream's changes that concern the live session: the camera lost or back, release refused or allowed
   * by its temperature. While the session waits for the camera, a reconnection is tried every CAMERA_PROBE_MS.
   */
  private tellSession(previous: SnapshotFrom<CameraMachine> | null, next: SnapshotFrom<CameraMachine>): void {
    const active = this.active;
    if (!active?.journal.snapshot?.matches('running')) return;
    const { clock } = this.o;
    const wall = clock.wall();
    const reading = { at: wall, mono: clock.mono(), wall };
    const was = previous ? connectionOf(previous.value) === 'connected' : false;
    const is = connectionOf(next.value) === 'connected';
    if (was && !is) active.actor.send({ type: 'CAMERA_LOST', ...reading, error: next.context.lastError });
    if (!was && is) active.actor.send({ type: 'CAMERA_BACK', ...reading });
    const hot = (s: SnapshotFrom<CameraMachine> | null) => Boolean(s?.context.status?.temperature?.includes('disablerelease'));
    if (is && hot(next) && !hot(previous)) active.actor.send({ type: 'RELEASE_DISABLED', ...reading });
    if (is && !hot(next) && (hot(previous) || active.journal.snapshot.matches({ running: 'held' }))) active.actor.send({ type: 'RELEASE_ALLOWED', ...reading });
  }

  /** Probes the camera every CAMERA_PROBE_MS while the live session waits for it, or for it to allow release. */
  private probeWhileWaiting(snapshot: SessionSnapshot): void {
    // A camera too hot to release is asked too: its status may never change in a way the monitor reports.
    const waiting = snapshot.matches({ running: 'waiting_for_camera' }) || snapshot.matches({ running: 'held' });
    const { clock } = this.o;
    if (!waiting) {
      if (this.probe !== null) clock.clearTimeout(this.probe);
      this.probe = null;
      return;
    }
    if (this.probe !== null) return;
    const tick = () => {
      this.probe = clock.setTimeout(tick, CAMERA_PROBE_MS);
      const camera = this.camera;
      const value = camera?.journal.snapshot?.value;
      const state = value === undefined ? undefined : connectionOf(value);
      if (state === 'reconnecting' || state === 'offline') camera!.actor.send({ type: 'RECONNECT', mono: clock.mono() });
      // The connection still counts as up (a press found the camera silent before any status read did): ask it.
      if (state === 'connected' && !this.probing) {
        this.probing = true;
        this.o.camera.status().then(
          (status) => {
            this.probing = false;
            const active = this.active;
            const wall = clock.wall();
            const reading = { at: wall, mono: clock.mono(), wall };
            if (active?.journal.snapshot?.matches({ running: 'waiting_for_camera' })) active.actor.send({ type: 'CAMERA_BACK', ...reading });
            else if (active?.journal.snapshot?.matches({ running: 'held' }) && !status.temperature?.includes('disablerelease')) {
              active.actor.send({ type: 'RELEASE_ALLOWED', ...reading });
            }
          },
          (error: { code?: string; message?: string }) => {
            this.probing = false;
            const code = error.code ?? 'INTERNAL';
            const now = camera!.journal.snapshot?.value;
            if (!LOSS_CODES.has(code) || now === undefined || connectionOf(now) !== 'connected') return;
            // Logged on the camera stream like the monitor's own loss: it reconnects, and says so when it is back.
            camera!.actor.send({ type: 'LOST', error: { code, message: error.message ?? code, mono: clock.mono(), wall: clock.wall() } });
          },
        );
      }
    };
    this.probe = clock.setTimeout(tick, CAMERA_PROBE_MS);
  }

  /** Stops the live session; `reason` is logged with the stop and the end (`controller_battery`, …). */
  stopSession(reason = 'user') {
    if (!this.active) throw new ProtocolError('NOT_FOUND', 'No session is running');
    const { actor, journal } = this.active;
    actor.send({ type: 'STOP', at: this.o.clock.wall(), reason });
    this.press.holdBack();
    return sessionView(journal.snapshot!);
  }

  resumeSession(sessionId: string) {
    const active = this.active;
    if (!active || active.journal.snapshot?.context.plan.id !== sessionId || !active.journal.snapshot.matches('suspended')) {
      throw new ProtocolError('NOT_FOUND', `No suspended session ${sessionId}`);
    }
    const { clock } = this.o;
    active.actor.send({ type: 'RESUME', at: clock.wall(), mono: clock.mono(), wall: clock.wall(), lastEventAt: active.journal.lastAt ?? clock.wall() });
    this.reconcileDue.add(sessionId);
    this.reconcileSoon();
    return sessionView(active.journal.snapshot!);
  }

  saveSession(sessionId: string, title?: string) {
    const at = this.o.clock.wall();
    const suspended = this.suspendedSession(sessionId);
    if (suspended) suspended.actor.send({ type: 'SAVE', at, title });
    else {
      this.requireUnsaved(sessionId).record({ type: 'SAVE', at, title });
      this.unsaved.delete(sessionId);
    }
    return { sessionId, report: getReportSummary(this.o.store, sessionId) };
  }

  discardSession(sessionId: string) {
    const at = this.o.clock.wall();
    const suspended = this.suspendedSession(sessionId);
    if (suspended) suspended.actor.send({ type: 'DISCARD', at });
    else {
      this.requireUnsaved(sessionId).record({ type: 'DISCARD', at });
      this.unsaved.delete(sessionId);
    }
    return { sessionId };
  }

  private requireCamera() {
    const snapshot = this.camera?.journal.snapshot;
    if (!snapshot || connectionOf(snapshot.value) !== 'connected') {
      throw new ProtocolError('CAMERA_OFFLINE', 'The camera is not connected', { camera: cameraView(snapshot ?? null).state });
    }
    return snapshot.context;
  }

  private requireUnsaved(sessionId: string) {
    const journal = this.unsaved.get(sessionId);
    if (!journal) throw new ProtocolError('NOT_FOUND', `No unsaved session ${sessionId}`);
    return journal;
  }

  private suspendedSession(sessionId: string): Live<SessionMachine> | null {
    const active = this.active;
    return active?.journal.snapshot?.context.plan.id === sessionId && active.journal.snapshot.matches('suspended') ? active : null;
  }

  private knows(sessionId: string): boolean {
    return getReportSummary(this.o.store, sessionId) !== null || this.unsaved.has(sessionId) || this.active?.journal.snapshot?.context.plan.id === sessionId;
  }

  private sessionJournal(id: string): JournaledStream<SessionMachine> {
    return new JournaledStream(this.sessionMachine, `session:${id}`, this.o.log, this.o.clock, {
      machineVersion: SESSION_MACHINE_VERSION,
      project: projectSessionFacts,
      onTransition: (t: Transition<SessionMachine>) => {
        for (const fact of t.recorded.facts) {
          this.emit(sessionFactBroadcast(fact, t.snapshot, { report: () => getReportSummary(this.o.store, id) }));
        }
        // A frame recorded while an earlier press is unsettled means the camera answers again: ask its card.
        const shot = t.recorded.facts.find((f) => f.type === 'shot.recorded');
        if (shot && (shot.data as { shot: { result: string } }).shot.result === 'ok' && t.snapshot.context.pending.some((p) => p.result !== 'ok')) {
          this.reconcileDue.add(id);
        }
        // A card comparison waits for the grid to rest between slots: a frame in flight is not an orphan.
        if (t.snapshot.matches({ running: 'waiting' }) && this.reconcileDue.has(id)) this.reconcileSoon();
        if (this.active?.journal.snapshot?.context.plan.id === id) {
          // A frame's end may arm the next slot in the same transition: a new slot has not been let go yet either.
          if (!t.snapshot.matches({ running: 'shooting' }) || t.previous?.context.nextIndex !== t.snapshot.context.nextIndex) this.pressing = false;
          this.probeWhileWaiting(t.snapshot);
          this.letGoIfOver(t.snapshot);
        }
      },
    });
  }

  /**
   * A session that no longer shoots lets go of the camera. One that ended with presses the card has not settled yet
   * stays reachable for a card check; a resumed plan that had run out waits to be saved, like one found at start.
   */
  private letGoIfOver(snapshot: SessionSnapshot): void {
    const ended = snapshot.matches('completed') || snapshot.matches('stopped') || snapshot.matches('failed');
    const interrupted = snapshot.matches('interrupted');
    if (!this.active || (!ended && !interrupted)) return;
    const { actor, journal } = this.active;
    const id = snapshot.context.plan.id;
    this.active = undefined;
    queueMicrotask(() => actor.stop()); // not from inside the transition that is being processed
    if (interrupted) this.unsaved.set(id, journal);
    else if (snapshot.context.pending.some((p) => p.result !== 'ok')) {
      this.settling.set(id, journal);
      this.reconcileDue.add(id);
      queueMicrotask(() => this.reconcileSoon());
    }
  }

  /** Makes a session the one holding the camera, with a live actor. */
  private goLive(journal: JournaledStream<SessionMachine>, actor: Actor<SessionMachine>): void {
    this.active = { journal, actor };
    this.lastSession = journal;
    const release = () => {
      if (this.active?.actor === actor) this.active = undefined;
    };
    actor.subscribe({ complete: release, error: release });
  }

  /**
   * A session whose stream has no end. Shooting when the process died, or suspended by a graceful stop: with
   * `--resume auto` it resumes on its grid (slots missed while down are skipped, a press that may have left is
   * `unknown` until the card says); with `ask` it waits suspended. A plan that ran out while down waits to be saved.
   */
  private recover(id: string): void {
    let journal: JournaledStream<SessionMachine>;
    try {
      journal = this.sessionJournal(id);
    } catch (error) {
      // A log this machine cannot replay is left exactly as it is, for a person (or a later version) to read.
      this.o.logger.error({ err: error, sessionId: id }, 'cannot replay this session; it is left untouched in the log');
      return;
    }
    const snapshot = journal.snapshot as SessionSnapshot | null;
    if (!snapshot) return;
    // The slot whose press was in flight when the process died (it becomes `unknown`).
    const inFlight = snapshot.matches({ running: 'shooting' }) ? snapshot.context.nextIndex + 1 : null;
    if (snapshot.matches('running') || snapshot.matches('suspended') || snapshot.matches('scheduled')) {
      const { clock } = this.o;
      const wall = clock.wall();
      journal.record({ type: 'RESTARTED', at: wall, mono: clock.mono(), wall, lastEventAt: journal.lastAt ?? wall, resume: this.o.resume !== 'ask' });
    }
    const now = journal.snapshot!;
    // The press the dead process was making may still write its frame: it claims a new file before the new presses.
    if (inFlight !== null && (now.matches('running') || now.matches('suspended'))) this.o.camera.adoptReleases([{ sessionId: id, number: inFlight }]);
    // A bulb frame in flight when the process died may still hold the shutter open.
    if (inFlight !== null && snapshot.context.plan.bulbSeconds) {
      this.sessionBulbHeld = { owner: `session:${id}#${inFlight}`, openedAt: journal.lastAt ?? 0, releaseAtMono: 0 };
    }
    if (now.matches('running') || now.matches('suspended') || now.matches('scheduled')) {
      this.goLive(journal, startJournaledActor(journal, { restore: true }, this.actorHooks(`session:${id}`)));
      this.reconcileDue.add(id);
      this.o.logger.warn({ sessionId: id, state: sessionView(now).state, counts: now.context.counts }, now.matches('running') ? 'resumed a session' : 'a session waits suspended: resume, save or discard it');
    } else if (now.matches('interrupted')) {
      this.unsaved.set(id, journal);
      this.reconcileDue.add(id);
      this.o.logger.warn({ sessionId: id, counts: now.context.counts }, 'a session ran out while the controller was down; it waits to be saved');
    } else {
      this.lastSession = journal;
    }
  }

  /** Resolves true once the camera is connected, or false if it is not by `deadlineMono`. */
  private cameraReady(deadlineMono: number): Promise<boolean> {
    const camera = this.camera?.journal.snapshot;
    if (camera && connectionOf(camera.value) === 'connected' && !this.checkingCardFirst) {
      this.pressing = true;
      return Promise.resolve(true);
    }
    const { clock } = this.o;
    return new Promise((resolve) => {
      const ready = () => {
        clock.clearTimeout(timer);
        this.readyWaiters.delete(ready);
        this.pressing = true;
        resolve(true);
      };
      const timer = clock.setTimeout(() => {
        this.readyWaiters.delete(ready);
        resolve(false);
      }, Math.max(0, deadlineMono - clock.mono()));
      this.readyWaiters.add(ready);
    });
  }

  /** The camera is (back) in touch: waiting shots go, and the card is compared with the log of the live session. */
  private cameraBack(): void {
    void this.timeSync.cameraConnected();
    // How far the camera's clock is from the Pi's, for the phone (camera_clock_offset).
    this.cameraSettings.clock.read().catch((err: unknown) => this.o.logger.debug({ err }, 'camera clock not read'));
    const active = this.active?.journal.snapshot;
    const release = () => {
      this.checkingCardFirst = false;
      for (const ready of [...this.readyWaiters]) ready();
    };
    if (!active) {
      release();
      this.reconcileSoon();
      return;
    }
    // The live session's card is checked before its first press after a (re)connect: a press a crash or an outage
    // cut off is then settled by a listing logged before any new press could add a file (a later listing could not
    // tell that press's file from the new one's). Presses wait at most CARD_CHECK_HOLD_MS for it.
    const id = active.context.plan.id;
    this.reconcileDue.add(id);
    this.checkingCardFirst = true;
    const check = this.reconcileSession(id, { pressesHeld: true }).catch((err: unknown) => this.o.logger.warn({ err }, 'card check before the first press failed'));
    const hold = new Promise<void>((resolve) => this.o.clock.setTimeout(resolve, CARD_CHECK_HOLD_MS));
    void Promise.race([check, hold]).then(() => {
      release();
      this.reconcileSoon();
    });
  }

  private reconcileSoon(): void {
    if (this.reconciling || this.reconcileDue.size === 0) return;
    this.reconciling = true;
    void this.reconcile().finally(() => {
      this.reconciling = false;
    });
  }

  /** Works through the sessions due for a card check; stops at the first the camera cannot answer for now. */
  private async reconcile(): Promise<void> {
    for (const id of [...this.reconcileDue]) {
      if ((await this.reconcileSession(id)) === 'camera') return; // retried when the grid rests or the camera is back
    }
  }

  /**
   * One card check: lists the card since the session's evidence mark and hands the files to the session (a logged
   * event). `later` while a frame is in flight (it would look like an orphan), `camera` when the camera cannot answer.
   */
  private async reconcileSession(id: string, o: { pressesHeld?: boolean } = {}): Promise<'done' | 'later' | 'camera'> {
    const target = this.reconcileTarget(id);
    if (!target) {
      this.reconcileDue.delete(id);
      return 'done';
    }
    // Held presses (cameraBack): a slot waiting in `shooting` has sent nothing, so the listing cannot show its file.
    const held = () => o.pressesHeld === true && this.checkingCardFirst && !this.pressing;
    const snapshot = target.journal.snapshot!;
    if (snapshot.matches({ running: 'shooting' }) && !held()) return 'later';
    const camera = this.camera?.journal.snapshot;
    if (!camera || connectionOf(camera.value) !== 'connected') return 'camera';
    const c = snapshot.context;
    const first = c.pending[0];
    const mark = first
      ? { path: c.recentFiles.filter((f) => f.number < first.number).at(-1)?.path ?? null, wall: first.plannedAt - c.plan.intervalMs }
      : { path: c.recentFiles.at(-1)?.path ?? null, wall: c.lastShot?.plannedAt ?? c.plan.startedAt };
    let files: CardFile[];
    const listedFrom = this.o.clock.wall();
    try {
      files = await this.o.camera.filesSince(mark);
    } catch (error) {
      this.o.logger.warn({ err: error, sessionId: id }, 'could not list the card to reconcile; will try again');
      return 'camera';
    }
    const now = this.reconcileTarget(id);
    if (!now) {
      this.reconcileDue.delete(id);
      return 'done';
    }
    if (now.journal.snapshot?.matches({ running: 'shooting' }) && !held()) return 'later';
    this.reconcileDue.delete(id);
    this.settling.delete(id); // an ended session gets this one last look
    const event = { type: 'CARD_FILES' as const, files, at: this.o.clock.wall(), listedFrom, ...(held() ? { pressesHeld: true } : {}) };
    if (now.actor) now.actor.send(event);
    else now.journal.record(event);
    return 'done';
  }

  private reconcileTarget(id: string): { journal: JournaledStream<SessionMachine>; actor?: Actor<SessionMachine> } | null {
    if (this.active?.journal.snapshot?.context.plan.id === id) return this.active;
    const journal = this.unsaved.get(id) ?? this.settling.get(id);
    return journal ? { journal } : null;
  }

  /**
   * Files the camera reported for an earlier release: they go to that release's own slot, also when its session has
   * ended meanwhile (a stop while the last frame was still being written): an ended session takes FILES_LATE too.
   */
  private lateFiles(late: LateFiles): void {
    const id = late.tag.sessionId;
    const event = { type: 'FILES_LATE' as const, number: late.tag.number, files: late.files };
    const target = this.reconcileTarget(id) ?? (this.lastSession?.snapshot?.context.plan.id === id ? { journal: this.lastSession } : null);
    if (!target) {
      this.o.logger.warn({ tag: late.tag, files: late.files }, 'late files for a session this process no longer holds; the card check keeps them');
      return;
    }
    if (target.actor) target.actor.send(event);
    else target.journal.record(event);
  }

  private emit(b: Broadcast): void {
    // The event log is the record; the log line is for whoever reads the journal at 3 a.m.
    const routine = b.type === 'photo_taken' || b.type === 'intervalometer_update' || b.type === 'camera_status' || b.type === 'shot_updated';
    this.o.logger[routine ? 'debug' : 'info']({ seq: b.seq, type: b.type }, 'transition');
    for (const listener of this.listeners) listener(b);
  }

  private actorHooks(stream: string) {
    return {
      onError: (error: unknown) => this.o.logger.error({ err: error, stream }, 'machine actor failed'),
      onAppendFailed: (error: unknown, event: { type: string }) => {
        this.o.logger.fatal({ err: error, stream, event: event.type }, 'cannot append to the event log');
        this.o.onFatal?.(error);
      },
    };
  }
}


/** The camera machine's `releaseShutter` actor: lets go of a button an earlier process may have left held. */
function releaseShutterActor(camera: CameraPort, logger: Logger) {
  return fromPromise<void, { held: HeldShutter }>(async ({ input }) => {
    await camera.releaseShutter();
    logger.warn({ heldShutter: input.held }, 'released a shutter an earlier process may have left open');
  });
}
