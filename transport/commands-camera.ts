// Handlers of the camera-machine commands (transport/protocol-camera.ts), spread into commands.ts.
import type { Controller } from '../app/controller.ts';
import type { CommandData } from './protocol.ts';

export const cameraHandlers = {
  take_photo: (c: Controller) => c.jobs.takeTestPhoto(null),
  take_test_photo: (c: Controller, data: CommandData<'take_test_photo'>) => c.jobs.takeTestPhoto(data.bulbSeconds),
  get_liveview_frame: (c: Controller) => c.jobs.liveviewFrame(),
  stop_liveview: (c: Controller) => c.jobs.stopLiveview(),
};
