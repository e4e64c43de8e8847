// `shooting/control/shutterbutton/manual` (docs/camera-notes.md, "Manual shutter and bulb"): half press, full press
// and release. A full press keeps the button held until `release`, and the camera refuses another press meanwhile;
// with Tv `bulb` the shutter stays open from the full press until the release.

import type { SimBody } from './body.ts';
import type { Handler } from './routes.ts';

const INVALID = { message: 'Invalid parameter' };
const ACTIONS = new Set(['half_press', 'full_press', 'release']);

export function manualShutterRoutes(body: SimBody): Array<[string, { POST: Handler }]> {
  let held: 'none' | 'half' | 'full' = 'none';
  const post: Handler = (x) => {
    const b = (x.body ?? {}) as { action?: unknown; af?: unknown };
    if (typeof b.action !== 'string' || !ACTIONS.has(b.action) || typeof b.af !== 'boolean') return x.reply(400, INVALID);
    if (b.action === 'release') {
      body.endBulb();
      held = 'none';
      return body.timers.after(body.timings.pressLatencyMs, () => x.reply(200, {}));
    }
    if (held === 'full') return x.reply(503, { message: 'Device busy' });
    if (b.action === 'half_press') {
      if (body.phase !== 'idle') return x.reply(503, { message: 'Device busy' });
      held = 'half';
      return body.timers.after(body.timings.pressLatencyMs, () => x.reply(200, {}));
    }
    const answer = body.pressShutter('manual');
    // `never-busy`: a press while busy is answered 200 and does nothing.
    const refusal = answer === 'ignored' ? null : answer;
    if (answer === null) held = 'full';
    body.timers.after(body.timings.pressLatencyMs, () => (refusal ? x.reply(refusal.status, { message: refusal.message }) : x.reply(200, {})));
  };
  return [['ver100/shooting/control/shutterbutton/manual', { POST: post }]];
}
