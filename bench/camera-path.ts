// What skylapse's camera path (command lane, topology, answer validation, error mapping) adds to a plain HTTP request
// to the camera: the same status read, once raw and once through CcapiClient, alternating, against the simulator
// on loopback. The simulator answers at once, so the difference is skylapse's own cost.
import { startSimulator } from '../adapters/camera-sim/index.ts';
import { CcapiClient } from '../adapters/ccapi/client.ts';
import { CcapiHttp } from '../adapters/ccapi/http.ts';
import { keepAliveAgent, rawRequest } from '../adapters/ccapi/request.ts';
import type { Measured } from './figures.ts';
import { summary } from './stats.ts';

export async function cameraPath(requests: number): Promise<Measured> {
  const sim = await startSimulator();
  const http = new CcapiHttp(sim.url);
  const agent = keepAliveAgent({ secure: false, maxSockets: 1, connectTimeoutMs: 5_000, idleMs: 4_000 });
  try {
    const client = new CcapiClient(http);
    await client.negotiate();
    const url = new URL('/ccapi/ver100/devicestatus/battery', sim.url);
    const raw: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < requests + 50; i++) {
      let t = performance.now();
      const res = await rawRequest(url, agent, { method: 'GET', headers: { accept: 'application/json' }, timeoutMs: 5_000 });
      JSON.parse(res.text); // a raw client parses too
      const r = performance.now() - t;
      t = performance.now();
      await client.battery();
      const o = performance.now() - t;
      if (i >= 50) {
        // the first 50 warm up sockets and the JIT
        raw.push(r);
        ours.push(o);
      }
    }
    const a = summary(raw);
    const b = summary(ours);
    return { rawP50: a.p50, rawP99: a.p99, oursP50: b.p50, oursP99: b.p99, addedP50: b.p50 - a.p50, addedP99: b.p99 - a.p99 };
  } finally {
    agent.destroy();
    await http.close();
    await sim.close();
  }
}
