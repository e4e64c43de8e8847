// Handlers of the night's plan and its reports: pre-flight, pause and resume, reports read, renamed, deleted, restored.
import type { Controller } from '../app/controller.ts';
import type { CommandData } from './protocol.ts';

export const sessionHandlers = {
  validate_interval: (c: Controller, data: CommandData<'validate_interval'>) => c.validateInterval(data),
  pause_intervalometer: (c: Controller) => ({ session: c.pauseSession() }),
  resume_intervalometer: (c: Controller) => ({ session: c.unpauseSession() }),
  get_timelapse_reports: (c: Controller, data: CommandData<'get_timelapse_reports'>) => ({ reports: c.reports.list(data.includeDeleted) }),
  get_timelapse_report: (c: Controller, data: CommandData<'get_timelapse_report'>) => ({ report: c.reports.get(data.id) }),
  update_report_title: (c: Controller, data: CommandData<'update_report_title'>) => c.reports.rename(data.id, data.title),
  delete_timelapse_report: (c: Controller, data: CommandData<'delete_timelapse_report'>) => c.reports.delete(data.id),
  restore_timelapse_report: (c: Controller, data: CommandData<'restore_timelapse_report'>) => c.reports.restore(data.id),
};
