// Live view (docs/camera-notes.md, "Live view"): `POST shooting/liveview {liveviewsize, cameradisplay}` starts or
// stops it, `GET shooting/liveview/flip` answers one JPEG frame, 503 `Live view not started` while it is off.

import type { SimBody } from './body.ts';
import { skyJpeg } from './images.ts';
import type { Exchange, Handler } from './routes.ts';

const INVALID = { message: 'Invalid parameter' };
/** Frame sizes per `liveviewsize` (the R50's small frame is about 29 KB of a real scene). */
const SIZES = { small: [640, 424], medium: [1024, 680] } as const;

export function liveviewRoutes(body: SimBody): Array<[string, Partial<Record<'GET' | 'POST', Handler>>]> {
  let size: keyof typeof SIZES | 'off' = 'off';
  let frames = 0;
  const post = (x: Exchange) => {
    const b = (x.body ?? {}) as { liveviewsize?: unknown; cameradisplay?: unknown };
    const wanted = b.liveviewsize;
    if ((wanted !== 'off' && wanted !== 'small' && wanted !== 'medium') || !['on', 'off', 'keep'].includes(String(b.cameradisplay))) {
      return x.reply(400, INVALID);
    }
    if (wanted !== 'off' && body.phase !== 'idle') return x.reply(503, { message: 'Device busy' });
    size = wanted;
    x.reply(200, {});
  };
  const flip = (x: Exchange) => {
    if (size === 'off') return x.reply(503, { message: 'Live view not started' });
    const [w, h] = SIZES[size];
    x.replyBytes(200, 'image/jpeg', skyJpeg(w, h, null, ++frames));
  };
  return [
    ['ver100/shooting/liveview', { POST: post }],
    ['ver100/shooting/liveview/flip', { GET: flip }],
  ];
}
