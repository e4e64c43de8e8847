// Maps each validated command to the controller. Replies are built by the caller; this only decides the data.
import type { Controller } from '../app/controller.ts';
import { networkHandlers } from './commands-network.ts';
import { timeHandlers } from './commands-time.ts';
import { cameraAddressHandlers } from './commands-camera-address.ts';
import { cameraSettingsHandlers } from './commands-camera-settings.ts';
import { sessionHandlers } from './commands-session.ts';
import { cameraHandlers } from './commands-camera.ts';
import type { CommandData, CommandType, StartIntervalometer, transportCommandSchemas } from './protocol.ts';

/** Who sent the command: time sync answers belong to one connection. */
export interface Sender {
  clientId: string | null;
}

type Handler<T extends CommandType> = (c: Controller, data: CommandData<T>, now: number, from: Sender) => unknown;
/** Commands the controller answers; the connection's own (subscribe, resume, …) are answered by transport/ws.ts. */
export type ControllerCommand = Exclude<CommandType, keyof typeof transportCommandSchemas>;
type Handlers = { [T in ControllerCommand]: Handler<T> };

const start = (c: Controller, data: StartIntervalometer) => c.startSession(data);

export const handlers: Handlers = {
  get_camera_status: (c) => ({ camera: c.cameraState() }),
  start_intervalometer: start,
  start_intervalometer_with_title: start,
  stop_intervalometer: (c) => ({ session: c.stopSession() }),
  get_unsaved_session: (c) => ({ unsavedSession: c.unsavedSession(), unsavedSessions: c.unsavedSessions() }),
  resume_session: (c, data) => ({ session: c.resumeSession(data.sessionId) }),
  get_session_shots: (c, data) => c.sessionShots(data.sessionId, data.fromNumber, data.limit),
  save_session_as_report: (c, data) => c.saveSession(data.sessionId, data.title),
  discard_session: (c, data) => c.discardSession(data.sessionId),
  ping: (_c, _data, now) => ({ pong: true, serverTime: now }),
  ...networkHandlers,
  ...timeHandlers,
  get_power_status: (c) => ({ power: c.power.view() }),
  ...cameraAddressHandlers,
  ...cameraSettingsHandlers,
  ...sessionHandlers,
  ...cameraHandlers,
};

export function runCommand<T extends ControllerCommand>(c: Controller, type: T, data: unknown, now: number, from: Sender = { clientId: null }): Promise<unknown> {
  // `data` was parsed with commandSchemas[type] by parseMessage, so it has that command's shape.
  return Promise.resolve().then(() => (handlers[type] as Handler<T>)(c, data as CommandData<T>, now, from));
}
