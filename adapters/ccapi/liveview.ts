// Live view (docs/camera-notes.md, "Live view"): started with small frames and the camera's own screen on, one JPEG
// per `flip`, stopped with `liveviewsize: off`.

import type { CcapiClient } from './client.ts';
import type { Download } from './http.ts';

export async function setLiveview(client: CcapiClient, on: boolean): Promise<void> {
  const endpoint = client.topology.resolve('shooting/liveview', 'post');
  await client.http.request('command', 'POST', endpoint.path, {
    context: `liveview ${on ? 'start' : 'stop'}`,
    timeoutMs: client.timeouts.statusMs,
    // `on` rather than `keep`: the R100 refuses `keep` (400); the photographer framing on the phone is at the camera.
    body: { liveviewsize: on ? 'small' : 'off', cameradisplay: 'on' },
  });
}

/** One live-view frame; `REJECTED` (503 `Live view not started`) when live view is off. */
export async function liveviewFrame(client: CcapiClient): Promise<Download> {
  const endpoint = client.topology.resolve('shooting/liveview/flip', 'get');
  return client.http.download(endpoint.path, { context: 'liveview/flip', timeoutMs: client.timeouts.statusMs });
}
