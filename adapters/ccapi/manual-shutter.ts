// `shooting/control/shutterbutton/manual`: half press, full press, release (docs/camera-notes.md, "Manual shutter
// and bulb"). A full press keeps the button held until a release; with Tv `bulb` it keeps the shutter open.

import type { CcapiClient } from './client.ts';

export type ManualAction = 'half_press' | 'full_press' | 'release';

/** One manual button action, on the press priority (a release must never wait behind a status read). */
export async function manualShutter(client: CcapiClient, action: ManualAction, timeoutMs = client.timeouts.statusMs): Promise<void> {
  const endpoint = client.topology.resolve('shooting/control/shutterbutton/manual', 'post');
  await client.http.request('command', 'POST', endpoint.path, {
    context: `shutterbutton/manual ${action}`,
    timeoutMs,
    body: { action, af: false },
    priority: 'press',
  });
}
