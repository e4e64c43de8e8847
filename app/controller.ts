// The application core: the one command path every entry point (WebSocket now, REST later) goes through. It owns
// the journaled streams (the camera, each session), brings sessions back after a restart, reconciles the log with
// the camera's card, and turns every stored fact into exactly one broadcast.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Actor, SnapshotFrom } from 'xstate';
import { CameraAddress } from './camera-address.ts';
import { connectActor, deadlineActor, monitorActor, shootActor } from '../adapters/machine-actors.ts';
import { CAMERA_MACHINE_VERSION, cameraMachine, type CameraMachine } from '../machines/camera.ts';
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
import { getReportSummary, getSessionShots, openSessions } from '../store/reports.ts';
import { Network } from './network.ts';
import { TimeSync } from './time-sync.ts';
import { Power } from './power.ts';
import type { PowerPort } from '../machines/power-port.ts';
import { cameraClock } from '../adapters/time/camera-clock.ts';
import type { ClockSetter } from '../adapters/time/clock-setter.ts';
import { ProtocolError, type Broadcast, type StartIntervalometer } from '../transport/protocol.ts';
import { cameraFactBroadcast, cameraView, sessionFactBroadcast, sessionView, unsavedSessionView } from '../transport/views.ts';

export type ResumePolicy = 'auto' | 'ask';

/** How far ahead of the start command slot 0 is planned (bench: the start's own work took 7–15 ms here, more on SD). */
const FIRST_SLOT_LEAD_MS = 100;

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
  /** The Pi's WiFi (NetworkManager or its simulated twin). */
  network: NetworkPort;
  /** Sets the Pi's clock from time sync (the system's, or a dry run that only logs). */
  clockSetter: ClockSetter;
  /** The Pi's power and temperature (vcgencmd, /sys), or the fake twin. */
  power: PowerPort;
  /** How often power and temperature are read (default 30 s). */
  powerPollMs?: number;
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
  private photoInFlight = false;
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

  constructor(private readonly o: ControllerOptions) {
    const { camera, clock } = o;
    const deadline = deadlineActor(clock);
    this.cameraMachine = cameraMachine.provide({
      actors: {
        connect: connectActor(camera, clock),
        monitor: monitorActor(camera, clock, { intervalMs: o.statusIntervalMs ?? 10_000, logger: o.logger }),
        deadline,
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
    this.sessionMachine = sessionMachine.provide({ actors: { deadline, shoot: shootActor(camera, clock, (until) => this.cameraReady(until)) } });
    this.network = new Network({
      port: o.network,
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
      setter: o.clockSetter,
      camera: cameraClock(camera),
      log: o.log,
      logger: o.logger.child({ component: 'time' }),
      emit: (b) => this.emit(b),
      sessionShooting: () => this.active?.journal.snapshot?.matches('running') ?? false,
      apAddress: () => this.network.apAddress(),
      hooks: this.actorHooks('time'),
    });
    this.power = new Power({
      port: o.power,
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
  }

  /** The camera's clock: `read()` and `set({iso?, timeZone?})` (default: the Pi's time), for commands and time sync. */
  get cameraClock() {
    return this.cameraSettings.clock;
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
      facts: (previous, next, event) => cameraFacts(previous, next, event),
      onTransition: (t) => {
        for (const fact of t.recorded.facts) this.emit(cameraFactBroadcast(fact, t.snapshot));
        if (t.snapshot.value === 'connected' && t.previous?.value !== 'connected') this.cameraBack();
      },
    });
    const actor = startJournaledActor(journal, { input: { baseUrl: this.o.camera.baseUrl, simulated: this.o.simulated } }, this.actorHooks('camera'));
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
   * A graceful stop (SIGTERM: systemd stop, reboot): the frame in flight is finished and recorded, the session is
   * logged as suspended, and the next start resumes it. Never recorded as a crash.
   */
  async stop(): Promise<void> {
    const active = this.active;
    if (active?.journal.snapshot?.matches('running')) {
      active.actor.send({ type: 'SUSPEND', at: this.o.clock.wall() });
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

  sessionShots(sessionId: string, fromNumber: number, limit: number) {
    // One row more than asked says whether another page exists.
    const rows = getSessionShots(this.o.store, sessionId, { fromNumber, limit: limit + 1 });
    if (rows.length === 0 && !this.knows(sessionId)) throw new ProtocolError('NOT_FOUND', `No session ${sessionId}`);
    const shots = rows.slice(0, limit);
    return { sessionId, shots, nextFromNumber: rows.length > limit ? rows[limit]!.number : null };
  }

  startSession(cmd: StartIntervalometer) {
    const held = this.active?.journal.snapshot;
    if (held) {
      const suspended = held.matches('suspended');
      throw new ProtocolError(
        'SESSION_ACTIVE',
        suspended ? 'A suspended session holds the camera: resume, save or discard it first' : 'A session is already running',
        { sessionId: held.context.plan.id, state: suspended ? 'suspended' : 'running' },
      );
    }
    const camera = this.requireCamera();
    if (camera.status?.temperature?.includes('disablerelease')) {
      throw new ProtocolError('CAMERA_ERROR', 'The camera is too hot to release the shutter (disablerelease); let it cool first', {
        temperature: camera.status.temperature,
      });
    }
    const tvSeconds = camera.status?.tvSeconds ?? null;
    if (tvSeconds === null) {
      throw new ProtocolError('VALIDATION_ERROR', 'The camera reports no fixed shutter speed (bulb is not supported yet)', { tv: camera.status?.tv ?? null });
    }
    if (cmd.intervalMs <= tvSeconds * 1000) {
      throw new ProtocolError('VALIDATION_ERROR', `Interval ${cmd.intervalMs / 1000} s is not longer than the exposure (${camera.status?.tv})`, {
        intervalMs: cmd.intervalMs,
        tvSeconds,
      });
    }
    const { clock } = this.o;
    const id = randomUUID();
    // Slot 0 is planned a moment ahead: the start is appended (fsync), broadcast and answered before the first press
    // can go, and a slot planned at the very instant of the command would be late by exactly that work.
    const startedAt = clock.wall() + FIRST_SLOT_LEAD_MS;
    const plan = {
      id,
      title: cmd.title ?? `Session ${new Date(startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      intervalMs: cmd.intervalMs,
      totalShots: cmd.totalShots,
      stopCondition: cmd.stopCondition,
      startedAt,
    };
    const journal = this.sessionJournal(id);
    this.goLive(journal, startJournaledActor(journal, { input: { plan, anchorMono: clock.mono() + FIRST_SLOT_LEAD_MS } }, this.actorHooks(`session:${id}`)));
    return sessionView(journal.snapshot!);
  }

  /** `reason`: who stopped it when it was not a person (`controller_battery`); the session issue records it. */
  stopSession(reason?: string) {
    if (!this.active) throw new ProtocolError('NOT_FOUND', 'No session is running');
    if (reason) this.o.logger.warn({ reason }, 'stopping the session');
    const { actor, journal } = this.active;
    actor.send({ type: 'STOP', at: this.o.clock.wall() });
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

  async takePhoto() {
    if (this.active) throw new ProtocolError('SESSION_ACTIVE', 'A session holds the camera; test photos would cost it frames');
    this.requireCamera();
    if (this.photoInFlight) throw new ProtocolError('CAMERA_BUSY', 'A test photo is already being taken');
    this.photoInFlight = true;
    try {
      const now = this.o.clock.mono();
      const shot = await this.o.camera.shoot({ tag: { sessionId: 'test-photo', number: 0 }, pressDeadlineMono: now + 3_000, fileDeadlineMono: now + 15_000 });
      const photo = { triggeredAt: shot.triggerWall, latencyMs: shot.latencyMs, attempts: shot.attempts, files: shot.files };
      this.camera?.actor.send({ type: 'PHOTO_TAKEN', photo });
      return { photo };
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      const e = error as { code?: string; message?: string };
      throw new ProtocolError('CAMERA_ERROR', `The camera did not take the photo: ${e.message ?? String(error)}`, { cameraCode: e.code ?? null });
    } finally {
      this.photoInFlight = false;
    }
  }

  private requireCamera() {
    const snapshot = this.camera?.journal.snapshot;
    if (!snapshot || snapshot.value !== 'connected') {
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
        if (this.active?.journal.snapshot?.context.plan.id === id) this.letGoIfOver(t.snapshot);
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
    if (snapshot.matches('running') || snapshot.matches('suspended')) {
      const { clock } = this.o;
      const wall = clock.wall();
      journal.record({ type: 'RESTARTED', at: wall, mono: clock.mono(), wall, lastEventAt: journal.lastAt ?? wall, resume: this.o.resume !== 'ask' });
    }
    const now = journal.snapshot!;
    // The press the dead process was making may still write its frame: it claims a new file before the new presses.
    if (inFlight !== null && (now.matches('running') || now.matches('suspended'))) this.o.camera.adoptReleases([{ sessionId: id, number: inFlight }]);
    if (now.matches('running') || now.matches('suspended')) {
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
    if (this.camera?.journal.snapshot?.value === 'connected') return Promise.resolve(true);
    const { clock } = this.o;
    return new Promise((resolve) => {
      const ready = () => {
        clock.clearTimeout(timer);
        this.readyWaiters.delete(ready);
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
    for (const ready of [...this.readyWaiters]) ready();
    void this.timeSync.cameraConnected();
    // How far the camera's clock is from the Pi's, for the phone (camera_clock_offset).
    this.cameraSettings.clock.read().catch((err: unknown) => this.o.logger.debug({ err }, 'camera clock not read'));
    const active = this.active?.journal.snapshot;
    if (active) this.reconcileDue.add(active.context.plan.id);
    this.reconcileSoon();
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
  private async reconcileSession(id: string): Promise<'done' | 'later' | 'camera'> {
    const target = this.reconcileTarget(id);
    if (!target) {
      this.reconcileDue.delete(id);
      return 'done';
    }
    const snapshot = target.journal.snapshot!;
    if (snapshot.matches({ running: 'shooting' })) return 'later';
    if (this.camera?.journal.snapshot?.value !== 'connected') return 'camera';
    const c = snapshot.context;
    const first = c.pending[0];
    const mark = first
      ? { path: c.recentFiles.filter((f) => f.number < first.number).at(-1)?.path ?? null, wall: first.plannedAt - c.plan.intervalMs }
      : { path: c.recentFiles.at(-1)?.path ?? null, wall: c.lastShot?.plannedAt ?? c.plan.startedAt };
    let files: CardFile[];
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
    if (now.journal.snapshot?.matches({ running: 'shooting' })) return 'later';
    this.reconcileDue.delete(id);
    this.settling.delete(id); // an ended session gets this one last look
    const event = { type: 'CARD_FILES' as const, files, at: this.o.clock.wall() };
    if (now.actor) now.actor.send(event);
    else now.journal.record(event);
    return 'done';
  }

  private reconcileTarget(id: string): { journal: JournaledStream<SessionMachine>; actor?: Actor<SessionMachine> } | null {
    if (this.active?.journal.snapshot?.context.plan.id === id) return this.active;
    const journal = this.unsaved.get(id) ?? this.settling.get(id);
    return journal ? { journal } : null;
  }

  /** Files the camera reported for an earlier release: they go to that release's own slot. */
  private lateFiles(late: LateFiles): void {
    const active = this.active;
    if (active?.journal.snapshot?.context.plan.id !== late.tag.sessionId) {
      this.o.logger.warn({ tag: late.tag, files: late.files }, 'late files for a session that is no longer live; the next reconciliation keeps them');
      return;
    }
    active.actor.send({ type: 'FILES_LATE', number: late.tag.number, files: late.files });
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

/** Resolves once the actor's snapshot satisfies `done` (or the actor stops). */
function settled<M extends SessionMachine>(actor: Actor<M>, done: (s: SnapshotFrom<M>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (done(actor.getSnapshot())) return resolve();
    const sub = actor.subscribe({
      next: (s) => {
        if (done(s)) {
          sub.unsubscribe();
          resolve();
        }
      },
      complete: () => resolve(),
      error: () => resolve(),
    });
  });
}
