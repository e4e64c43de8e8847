// Past broadcasts, rebuilt from the log: each stored fact with the view of its stream right after the event that
// produced it, folded through the same pure transition() as live (replay is the law), so a replayed broadcast is the
// one that was sent live. Folds yield to the event loop now and then: a resume must not delay a shutter press.
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import { CAMERA_SETTINGS_STREAM, cameraSettingsBroadcast } from '../app/camera-settings.ts';
import { reportFactBroadcast } from '../app/session-reports.ts';
import { cameraMachine } from '../machines/camera.ts';
import { cameraSettingsMachine, type CameraSettingsFact } from '../machines/camera-settings.ts';
import { reportEditsMachine } from '../machines/report-edits.ts';
import { INIT_EVENT, step } from '../machines/replay.ts';
import { sessionMachine } from '../machines/session.ts';
import { powerMachine } from '../machines/power.ts';
import { timeSyncMachine } from '../machines/time-sync.ts';
import { wifiMachine } from '../machines/wifi.ts';
import type { Store } from '../store/db.ts';
import type { EventLog, RecordedFact } from '../store/event-log.ts';
import { replayReads } from '../store/replay-reads.ts';
import { getReportSummary } from '../store/reports.ts';
import type { Broadcast } from './protocol.ts';
import { cameraFactBroadcast, sessionFactBroadcast } from './views.ts';
import { networkFactBroadcast } from './views-network.ts';
import { powerFactBroadcast } from './views-power.ts';
import { timeFactBroadcast } from './views-time.ts';

type AnySnapshot = SnapshotFrom<AnyStateMachine>;

/** How one kind of stream turns a fact into its broadcast. A stream kind with broadcast facts must be listed. */
interface Renderer {
  machine: AnyStateMachine;
  render(fact: RecordedFact, snapshot: AnySnapshot, store: Store): Broadcast | undefined;
}

const renderers: { matches: (stream: string) => boolean; renderer: Renderer }[] = [
  {
    matches: (s) => s === 'camera',
    renderer: { machine: cameraMachine, render: (f, snap) => cameraFactBroadcast(f, snap as Parameters<typeof cameraFactBroadcast>[1]) },
  },
  {
    matches: (s) => s.startsWith('session:'),
    renderer: {
      machine: sessionMachine,
      render: (f, snap, store) =>
        sessionFactBroadcast(f, snap as Parameters<typeof sessionFactBroadcast>[1], { report: () => getReportSummary(store, f.stream.slice('session:'.length)) }),
    },
  },
  {
    matches: (s) => s === CAMERA_SETTINGS_STREAM,
    renderer: { machine: cameraSettingsMachine, render: (f) => cameraSettingsBroadcast(f.seq, f.at, f.data as CameraSettingsFact) },
  },
  {
    matches: (s) => s === 'reports',
    renderer: { machine: reportEditsMachine, render: (f, _snap, store) => reportFactBroadcast(f, store) },
  },
  { matches: (s) => s === 'network', renderer: { machine: wifiMachine, render: (f, snap) => networkFactBroadcast(f, snap as Parameters<typeof networkFactBroadcast>[1]) } },
  { matches: (s) => s === 'time', renderer: { machine: timeSyncMachine, render: (f, snap) => timeFactBroadcast(f, snap as Parameters<typeof timeFactBroadcast>[1]) } },
  { matches: (s) => s === 'power', renderer: { machine: powerMachine, render: (f, snap) => powerFactBroadcast(f, snap as Parameters<typeof powerFactBroadcast>[1]) } },
];

export class ReplayUnavailableError extends Error {
  readonly code = 'REPLAY_UNAVAILABLE';
}

// Folds run in blocks of 50 events (a few ms here, several times that on a Pi): a shutter press waits at most one block.
const YIELD_EVERY = 50;
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Replayer {
  private readonly reads;
  /** The last fold of a few streams: ten phones waking after the same nap fold each stream once. */
  private readonly cache = new Map<string, { seq: number; version: number; snapshot: AnySnapshot }>();

  constructor(
    private readonly log: EventLog,
    private readonly store: Store,
  ) {
    this.reads = replayReads(store);
  }

  /**
   * Broadcasts of the (at most `limit`) facts after `afterSeq`, in seq order, and the seq of the last fact read.
   * Throws ReplayUnavailableError for a stream it cannot rebuild.
   */
  async broadcasts(afterSeq: number, limit: number): Promise<{ broadcasts: Broadcast[]; lastSeq: number }> {
    const facts = this.log.readFacts(afterSeq, limit);
    const needed = new Map<string, number[]>();
    for (const f of facts) {
      const list = needed.get(f.stream);
      if (list) list.push(f.eventSeq);
      else needed.set(f.stream, [f.eventSeq]);
    }
    const snapshots = new Map<number, AnySnapshot>();
    for (const [stream, eventSeqs] of needed) await this.fold(stream, eventSeqs, snapshots);
    const out: Broadcast[] = [];
    for (const f of facts) {
      const b = rendererOf(f.stream).render(f, snapshots.get(f.eventSeq)!, this.store);
      if (b) out.push(b);
    }
    return { broadcasts: out, lastSeq: facts.at(-1)?.seq ?? afterSeq };
  }

  /** Fills `into` with the stream's snapshot right after each of `eventSeqs` (ascending). */
  private async fold(stream: string, eventSeqs: number[], into: Map<number, AnySnapshot>): Promise<void> {
    const { machine } = rendererOf(stream);
    const first = eventSeqs[0]!;
    const last = eventSeqs.at(-1)!;
    const cached = this.cache.get(stream);
    const start = this.reads.lastStart(stream, first);
    // A cached fold at or before the first needed event, and after the start it needs, is carried on from.
    const resume = cached && cached.seq < first && cached.version >= start ? cached : null;
    let snapshot: AnySnapshot | null = resume?.snapshot ?? null;
    const rows = this.reads.events(stream, resume ? resume.version + 1 : start, last);
    const wanted = new Set(eventSeqs);
    let n = 0;
    let at = resume ?? null;
    for (const row of rows) {
      if (snapshot === null && row.event.type !== INIT_EVENT) throw new ReplayUnavailableError(`${stream} does not start with ${INIT_EVENT}`);
      snapshot = step(machine, snapshot, row.event).snapshot as AnySnapshot;
      if (wanted.has(row.seq)) into.set(row.seq, snapshot);
      at = { seq: row.seq, version: row.version, snapshot };
      if (++n % YIELD_EVERY === 0) await yieldNow();
    }
    if (at) {
      this.cache.delete(stream);
      this.cache.set(stream, at);
      if (this.cache.size > 8) this.cache.delete(this.cache.keys().next().value!);
    }
  }
}

function rendererOf(stream: string): Renderer {
  const r = renderers.find((x) => x.matches(stream));
  if (!r) throw new ReplayUnavailableError(`no broadcasts are rebuilt for stream ${stream}`);
  return r.renderer;
}
