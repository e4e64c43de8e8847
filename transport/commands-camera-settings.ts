// Handlers of the camera settings and clock commands (spread into transport/commands.ts).
import type { Controller } from '../app/controller.ts';
import type { CommandData } from './protocol.ts';

export const cameraSettingsHandlers = {
  get_camera_settings: (c: Controller) => c.cameraSettings.getSettings(),
  set_camera_setting: (c: Controller, data: CommandData<'set_camera_setting'>) => c.cameraSettings.setSetting(data.name, data.value),
  get_camera_datetime: (c: Controller) => c.cameraClock.read(),
  set_camera_datetime: (c: Controller, data: CommandData<'set_camera_datetime'>) => c.cameraClock.set(data ?? {}),
};
