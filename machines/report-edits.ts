// Edits of reports after their session ended: a new title, a delete (which hides the report) and a restore. One
// stream, `reports`, for all of them; the session streams stay as they ended. Pure like every machine: the controller
// checks that the report exists and stamps the time.
import { enqueueActions, setup } from 'xstate';

export const REPORT_EDITS_MACHINE_VERSION = 'report-edits@1';

export type ReportEditEvent =
  | { type: 'RENAME'; id: string; title: string; at: number }
  | { type: 'DELETE'; id: string; at: number }
  | { type: 'RESTORE'; id: string; at: number };

export type ReportFact =
  | { type: 'report.renamed'; sessionId: string; title: string; at: number }
  | { type: 'report.deleted'; sessionId: string; at: number }
  | { type: 'report.restored'; sessionId: string; at: number };

export const reportEditsMachine = setup({
  types: { events: {} as ReportEditEvent, emitted: {} as ReportFact },
}).createMachine({
  id: 'reports',
  on: {
    RENAME: { actions: enqueueActions(({ event, enqueue }) => enqueue.emit({ type: 'report.renamed', sessionId: event.id, title: event.title, at: event.at })) },
    DELETE: { actions: enqueueActions(({ event, enqueue }) => enqueue.emit({ type: 'report.deleted', sessionId: event.id, at: event.at })) },
    RESTORE: { actions: enqueueActions(({ event, enqueue }) => enqueue.emit({ type: 'report.restored', sessionId: event.id, at: event.at })) },
  },
});

export type ReportEditsMachine = typeof reportEditsMachine;
