// Maps the time-sync commands to the controller's time-sync feature; spread into `handlers` in commands.ts.
import type { Controller } from '../app/controller.ts';
import type { Sender } from './commands.ts';
import { ProtocolError, type CommandData } from './protocol.ts';

/** The exchange belongs to one WebSocket connection; over any other entry point there is none to answer. */
function connection(from: Sender): string {
  if (!from.clientId) throw new ProtocolError('VALIDATION_ERROR', 'Time sync answers come over the WebSocket connection that was asked');
  return from.clientId;
}

export const timeHandlers = {
  'time-sync-response': (c: Controller, data: CommandData<'time-sync-response'>, _now: number, from: Sender) => c.timeSync.response(connection(from), data),
  'gps-response': (c: Controller, data: CommandData<'gps-response'>, _now: number, from: Sender) => c.timeSync.gps(connection(from), data),
  get_time_sync_status: (c: Controller) => ({ timeSync: c.timeSync.view() }),
  manual_camera_sync: (c: Controller, data: CommandData<'manual_camera_sync'>) => c.timeSync.syncCamera(data?.force),
};
