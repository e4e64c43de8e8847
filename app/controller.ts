// The one command path: every entry point (WebSocket now, REST later) goes through here (prior-art B11).
// It owns the journaled streams (camera, sessions), recovers interrupted sessions at start, and turns every logged
// transition into exactly one broadcast.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Actor, SnapshotFrom } from 'xstate';
import type { CameraPort } from '../machines/camera-port.ts';
import type { Clock } from '../machines/clock.ts';
import { connectActor, deadlineActor, monitorActor, shootActor } from '../adapters/machine-actors.ts';
import { cameraMachine, type CameraMachine } from '../machines/camera.ts';
import type { SessionFact } from '../machines/session-facts.ts';
import { sessionMachine, type SessionMachine } from '../machines/session.ts';
import type { EventLog } from '../store/event-log.ts';
import { JournaledStream, startJournaledActor, type Transition } from '../store/journal.ts';
import { projectSessionFacts } from '../store/projections.ts';
import { getReport, getSessionShots, openSessions } from '../store/reports.ts';
import type { Store } from '../store/db.ts';
import { ProtocolError, type Broadcast, type StartIntervalometer } from '../transport/protocol.ts';
import { cameraBroadcast, cameraView, sessionBroadcast, sessionView, unsavedSessionView } from '../transport/views.ts';

export interface ControllerOptions {
  store: Store;
  log: EventLog;
  camera: CameraPort;
  simulated: boolean;
  clock: Clock;
  logger: Logger;
  /** How often the camera's battery, card and temperature are read while connected. */
  statusIntervalMs?: number;
  /**
   * Called when an event cannot be appended to the log. The event is then not processed, so the service can no
   * longer keep its promise; the server exits here and recovers from the log on restart. Default: rethrow.
   */
  onFatal?: (error: unknown) => void;
}

type Live<M extends CameraMachine | SessionMachine> = { journal: JournaledStream<M>; actor: Actor<M> };

export class Controller {
  private readonly listeners = new Set<(b: Broadcast) => void>();
  private readonly cameraMachine: CameraMachine;
  private readonly sessionMachine: SessionMachine;
  private camera?: Live<CameraMachine>;
  private active?: Live<SessionMachine>;
  /** The last session that ran in this process, shown after it ends until the next one starts. */
  private lastSession?: JournaledStream<SessionMachine>;
  /** Interrupted sessions waiting for save or discard, oldest first. */
  private readonly unsaved = new Map<string, JournaledStream<SessionMachine>>();
  private photoInFlight = false;

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
    this.sessionMachine = sessionMachine.provide({ actors: { deadline, shoot: shootActor(camera, clock) } });
  }

  onBroadcast(listener: (b: Broadcast) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Recovers interrupted sessions, then starts the camera connection. */
  start(): void {
    for (const { id } of openSessions(this.o.store)) this.recover(id);
    const journal = new JournaledStream(this.cameraMachine, 'camera', this.o.log, this.o.clock, {
      onTransition: (t) => this.emit(cameraBroadcast(t)),
    });
    const actor = startJournaledActor(journal, { baseUrl: this.o.camera.baseUrl, simulated: this.o.simulated }, this.actorHooks('camera'));
    this.camera = { journal, actor };
  }

  async stop(): Promise<void> {
    this.active?.actor.stop();
    this.camera?.actor.stop();
    await this.o.camera.close();
  }

  /** The state a newly connected client is greeted with; `seq` is the log position it reflects. */
  state() {
    const session = this.active?.journal.snapshot ?? this.lastSession?.snapshot;
    return {
      seq: this.o.log.lastSeq(),
      camera: cameraView(this.camera?.journal.snapshot ?? null),
      intervalometer: session ? sessionView(session) : null,
      unsavedSession: this.unsavedSession(),
    };
  }

  cameraState() {
    return cameraView(this.camera?.journal.snapshot ?? null);
  }

  unsavedSession() {
    const newest = [...this.unsaved.values()].at(-1);
    return newest?.snapshot ? unsavedSessionView(newest.snapshot, getSessionShots(this.o.store, newest.snapshot.context.plan.id)) : null;
  }

  startSession(cmd: StartIntervalometer) {
    if (this.active) throw new ProtocolError('SESSION_ACTIVE', 'A session is already running', { sessionId: this.active.journal.snapshot?.context.plan.id });
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
    const startedAt = clock.wall();
    const plan = {
      id,
      title: cmd.title ?? `Session ${new Date(startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      intervalMs: cmd.intervalMs,
      totalShots: cmd.totalShots,
      stopCondition: cmd.stopCondition,
      startedAt,
    };
    const journal = this.sessionJournal(id);
    const actor = startJournaledActor(journal, { plan, anchorMono: clock.mono() }, this.actorHooks(`session:${id}`));
    this.active = { journal, actor };
    this.lastSession = journal;
    actor.subscribe({
      complete: () => {
        if (this.active?.actor === actor) this.active = undefined;
      },
      error: () => {
        if (this.active?.actor === actor) this.active = undefined;
      },
    });
    return sessionView(journal.snapshot!);
  }

  stopSession() {
    if (!this.active) throw new ProtocolError('NOT_FOUND', 'No session is running');
    const { actor, journal } = this.active;
    actor.send({ type: 'STOP', at: this.o.clock.wall() });
    return sessionView(journal.snapshot!);
  }

  saveSession(sessionId: string, title?: string) {
    const journal = this.requireUnsaved(sessionId);
    journal.record({ type: 'SAVE', at: this.o.clock.wall(), title });
    this.unsaved.delete(sessionId);
    return { sessionId, report: getReport(this.o.store, sessionId) };
  }

  discardSession(sessionId: string) {
    const journal = this.requireUnsaved(sessionId);
    journal.record({ type: 'DISCARD', at: this.o.clock.wall() });
    this.unsaved.delete(sessionId);
    return { sessionId };
  }

  async takePhoto() {
    if (this.active) throw new ProtocolError('SESSION_ACTIVE', 'A session is running; test photos would cost it frames');
    this.requireCamera();
    if (this.photoInFlight) throw new ProtocolError('CAMERA_BUSY', 'A test photo is already being taken');
    this.photoInFlight = true;
    try {
      const now = this.o.clock.mono();
      const shot = await this.o.camera.shoot({ pressDeadlineMono: now + 3_000, fileDeadlineMono: now + 15_000 });
      const photo = { triggeredAt: shot.triggerWall, latencyMs: shot.latencyMs, attempts: shot.attempts, file: shot.file };
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

  private sessionJournal(id: string): JournaledStream<SessionMachine> {
    const journal: JournaledStream<SessionMachine> = new JournaledStream(this.sessionMachine, `session:${id}`, this.o.log, this.o.clock, {
      project: (tx, recorded, emitted) => projectSessionFacts(tx, recorded, emitted as SessionFact[]),
      onTransition: (t: Transition<SessionMachine>) =>
        this.emit(
          sessionBroadcast(t, {
            shots: () => getSessionShots(this.o.store, id),
            report: () => getReport(this.o.store, id),
          }),
        ),
    });
    return journal;
  }

  /** A session whose stream has no end: the process died under it. It is not resumed; it waits for a decision. */
  private recover(id: string): void {
    const journal = this.sessionJournal(id);
    const snapshot = journal.snapshot as SnapshotFrom<SessionMachine> | null;
    if (!snapshot) return;
    if (snapshot.matches('running')) {
      journal.record({ type: 'INTERRUPTED', at: this.o.clock.wall(), lastEventAt: journal.lastAt ?? snapshot.context.plan.startedAt });
    }
    if (journal.snapshot?.matches('interrupted')) {
      this.unsaved.set(id, journal);
      this.o.logger.warn({ sessionId: id, shots: journal.snapshot.context.counts }, 'recovered an interrupted session');
    }
  }

  private emit(b: Broadcast): void {
    // The event log is the record; the log line is for whoever reads the journal at 3 a.m.
    const routine = b.type === 'photo_taken' || b.type === 'intervalometer_update' || b.type === 'camera_status';
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
