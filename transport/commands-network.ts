// Maps the network commands to the controller's network feature; spread into `handlers` in commands.ts.
import type { Controller } from '../app/controller.ts';
import type { CommandData } from './protocol.ts';

export const networkHandlers = {
  network_scan: (c: Controller, data: CommandData<'network_scan'>) => c.network.scan(data?.refresh ?? false),
  network_connect: (c: Controller, data: CommandData<'network_connect'>) => c.network.connect(data.ssid, data.password, data.force),
  network_disconnect: (c: Controller, data: CommandData<'network_disconnect'>) => c.network.disconnect(data?.force),
  wifi_enable: (c: Controller) => c.network.enable(),
  wifi_disable: (c: Controller, data: CommandData<'wifi_disable'>) => c.network.disable(data?.force),
  get_network_status: (c: Controller) => ({ network: c.network.view() }),
  get_wifi_country: (c: Controller) => c.network.country(),
  set_wifi_country: (c: Controller, data: CommandData<'set_wifi_country'>) => c.network.setCountry(data.country),
  configure_access_point: (c: Controller, data: CommandData<'configure_access_point'>) => {
    const { force, ...config } = data;
    return c.network.configureAccessPoint(config, force);
  },
};
