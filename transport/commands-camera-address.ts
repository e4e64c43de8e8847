// Handlers of the camera-address commands (transport/protocol-camera-address.ts).
import type { Controller } from '../app/controller.ts';
import type { CommandData } from './protocol.ts';

export const cameraAddressHandlers = {
  connect_to_ip: (c: Controller, data: CommandData<'connect_to_ip'>) => c.cameraAddress.connectTo(data.baseUrl),
};
