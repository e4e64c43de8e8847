// Reports as the photographer manages them: list, read, rename, delete (hide) and restore. Every edit is an event
// of the `reports` stream (machines/report-edits.ts), projected onto `sessions` and broadcast as `report_updated`.
import type { Clock } from '../machines/clock.ts';
import { REPORT_EDITS_MACHINE_VERSION, reportEditsMachine, type ReportEditEvent, type ReportEditsMachine, type ReportFact } from '../machines/report-edits.ts';
import { INIT_EVENT } from '../machines/replay.ts';
import type { Store } from '../store/db.ts';
import type { EventLog, RecordedFact } from '../store/event-log.ts';
import { JournaledStream } from '../store/journal.ts';
import { projectReportFacts } from '../store/projections.ts';
import { getReport, getReportSummary, listReports } from '../store/reports.ts';
import { ProtocolError, type Broadcast } from '../transport/protocol.ts';

export class SessionReports {
  private journal?: JournaledStream<ReportEditsMachine>;

  constructor(
    private readonly store: Store,
    private readonly log: EventLog,
    private readonly clock: Clock,
    private readonly broadcast: (b: Broadcast) => void,
  ) {}

  list(includeDeleted: boolean) {
    return listReports(this.store, { includeDeleted });
  }

  get(id: string) {
    const report = getReport(this.store, id, { includeDeleted: true });
    if (!report) throw new ProtocolError('NOT_FOUND', `No report ${id}`);
    return report;
  }

  rename(id: string, title: string) {
    this.require(id, 'any');
    return this.edit({ type: 'RENAME', id, title, at: this.clock.wall() });
  }

  delete(id: string) {
    this.require(id, 'shown');
    return this.edit({ type: 'DELETE', id, at: this.clock.wall() });
  }

  restore(id: string) {
    this.require(id, 'deleted');
    return this.edit({ type: 'RESTORE', id, at: this.clock.wall() });
  }

  private require(id: string, as: 'any' | 'shown' | 'deleted') {
    const report = getReportSummary(this.store, id, { includeDeleted: true });
    if (!report) throw new ProtocolError('NOT_FOUND', `No report ${id}`);
    if (as === 'shown' && report.deletedAt !== null) throw new ProtocolError('NOT_FOUND', `Report ${id} is already deleted`);
    if (as === 'deleted' && report.deletedAt === null) throw new ProtocolError('NOT_FOUND', `Report ${id} is not deleted`);
  }

  private edit(event: ReportEditEvent) {
    const journal = this.stream();
    journal.record(event);
    return { report: getReportSummary(this.store, event.id, { includeDeleted: true }) };
  }

  /** The stream is folded on first use (a few events per report ever) and begins with its own start. */
  private stream(): JournaledStream<ReportEditsMachine> {
    if (!this.journal) {
      this.journal = new JournaledStream(reportEditsMachine, 'reports', this.log, this.clock, {
        machineVersion: REPORT_EDITS_MACHINE_VERSION,
        project: projectReportFacts,
        onTransition: (t) => {
          for (const fact of t.recorded.facts) {
            const b = reportFactBroadcast(fact, this.store);
            if (b) this.broadcast(b);
          }
        },
      });
      if (!this.journal.snapshot) this.journal.record({ type: INIT_EVENT });
    }
    return this.journal;
  }
}

/** A `reports` stream fact as its `report_updated` broadcast (live, and when a resume rebuilds it); the report as it is now. */
export function reportFactBroadcast(fact: RecordedFact, store: Store): Broadcast | undefined {
  const f = fact.data as ReportFact;
  if (!('sessionId' in f)) return undefined;
  const report = getReportSummary(store, f.sessionId, { includeDeleted: true });
  return { type: 'report_updated', seq: fact.seq, timestamp: new Date(fact.at).toISOString(), data: { sessionId: f.sessionId, change: f.type.slice(7), report } };
}
