// Test photo, live view and bulb against the built-in simulator, as a phone sees them: command → reply over the
// WebSocket on loopback. The simulator answers at once, so these are skylapse's own costs (press, file event,
// preview download and EXIF, the camera machine's logged steps); a real camera adds its own.
import { rmSync } from 'node:fs';
import { freshDir, type Measured } from './figures.ts';
import { startBenchServer } from './server.ts';
import { summary } from './stats.ts';
import { connectClient } from './ws.ts';

export async function cameraJobs(photos: number): Promise<Measured> {
  const dir = freshDir();
  const server = await startBenchServer(dir);
  try {
    const client = await connectClient(server.url);
    await client.cameraConnected();
    const timed = async (type: string, data?: unknown) => {
      const t = performance.now();
      await client.request(type, data);
      return performance.now() - t;
    };
    const photo: number[] = [];
    for (let i = 0; i < photos; i++) photo.push(await timed('take_test_photo'));
    const first = await timed('get_liveview_frame'); // starts live view
    const frames: number[] = [];
    for (let i = 0; i < photos; i++) frames.push(await timed('get_liveview_frame'));
    await timed('stop_liveview');
    // Bulb: how much longer than asked the simulator saw the shutter open (its own clock, same host).
    await fetch(`${server.simUrl!.replace(/\/ccapi$/, '')}/_sim/faults`, { method: 'POST', body: JSON.stringify({ tv: 'bulb' }) });
    await new Promise((r) => setTimeout(r, 10_500)); // the next status read brings Tv `bulb`
    const bulbMs = 1_500;
    const over: number[] = [];
    for (let i = 0; i < 3; i++) {
      await timed('take_test_photo', { bulbSeconds: bulbMs / 1000 });
      const state = (await (await fetch(`${server.simUrl!.replace(/\/ccapi$/, '')}/_sim/state`)).json()) as { bulbs: { openMono: number; closeMono: number }[] };
      const b = state.bulbs.at(-1)!;
      over.push(b.closeMono - b.openMono - bulbMs);
    }
    client.close();
    const p = summary(photo);
    const f = summary(frames);
    const o = summary(over);
    return { photoP50: p.p50, photoMax: p.max, liveviewFirst: first, frameP50: f.p50, frameMax: f.max, bulbOverP50: o.p50, bulbOverMax: o.max };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
