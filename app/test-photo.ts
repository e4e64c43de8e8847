// The camera machine's `testPhoto` actor: press (or a bulb exposure), wait for the file, download its preview with
// retry and progress, keep it in the data directory, read its EXIF. Every step is an event to the machine, so the
// log tells what a test photo did and a crash mid-bulb leaves the open shutter on record.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import type { Logger } from 'pino';
import { fromCallback, type EventObject } from 'xstate';
import { CameraError, type CameraPort } from '../machines/camera-port.ts';
import type { CameraEvent, PhotoExif, PhotoPreview, PhotoRecord, TestPhotoInput } from '../machines/camera.ts';
import type { Clock } from '../machines/clock.ts';
import type { ErrorInfo } from '../machines/session-facts.ts';

/** Test-photo previews live in `<data>/test-photos/<id>.jpg`; ids are UUIDs, so a name is checked by this pattern. */
export const TEST_PHOTO_DIR = 'test-photos';
export const TEST_PHOTO_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jpg$/;
export const testPhotoUrl = (id: string) => `/api/test-photos/${id}.jpg`;

/** How long the press may be retried, and how long files are awaited beyond the exposure. */
const PRESS_WINDOW_MS = 3_000;
const FILE_WAIT_MS = 15_000;

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof CameraError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** The JPEG of a release when there is one (RAW+JPEG), else its first file. */
const previewFile = (files: string[]) => files.find((f) => /\.jpe?g$/i.test(f)) ?? files[0] ?? null;

/** `2026:11:30 02:11:12` → `2026-11-30T02:11:12` (the camera's wall clock; EXIF carries no zone). */
const exifTime = (v: unknown) => (typeof v === 'string' && /^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d/.test(v) ? `${v.slice(0, 10).replaceAll(':', '-')}T${v.slice(11, 19)}` : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function readExif(bytes: Buffer): Promise<PhotoExif | null> {
  const tags = (await exifr.parse(bytes, { pick: ['Model', 'ExposureTime', 'FNumber', 'ISO', 'DateTimeOriginal', 'DateTime'], reviveValues: false })) as
    | Record<string, unknown>
    | undefined;
  if (!tags) return null;
  return {
    model: typeof tags.Model === 'string' ? tags.Model.trim() : null,
    exposureSeconds: num(tags.ExposureTime),
    fNumber: num(tags.FNumber),
    iso: num(tags.ISO),
    capturedAt: exifTime(tags.DateTimeOriginal) ?? exifTime(tags.DateTime),
  };
}

/** Writes beside, then renames: a reader never sees half a file. */
async function keep(dir: string, id: string, bytes: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${id}.jpg`);
  await writeFile(`${path}.part`, bytes);
  await rename(`${path}.part`, path);
}

export const testPhotoActor = (o: { camera: CameraPort; clock: Clock; dir: string; logger?: Logger }) =>
  fromCallback<EventObject, TestPhotoInput>(({ input, sendBack }) => {
    const { camera, clock } = o;
    const abort = new AbortController();
    // Nothing is sent once the machine has left the test photo (a lost camera, a stop).
    const send = (e: CameraEvent) => {
      if (!abort.signal.aborted) sendBack(e);
    };
    const run = async () => {
      if (input.liveviewWasOn) await camera.liveview(false).catch((err: unknown) => o.logger?.warn({ err }, 'could not stop live view before a test photo'));
      const now = clock.mono();
      const bulbMs = input.bulbSeconds === null ? null : Math.round(input.bulbSeconds * 1000);
      const exposureMs = bulbMs ?? (input.tvSeconds ?? 0) * 1000;
      const shot = await camera.shoot({
        tag: { sessionId: 'test-photo', number: 0 },
        pressDeadlineMono: now + PRESS_WINDOW_MS,
        fileDeadlineMono: now + exposureMs + FILE_WAIT_MS,
        ...(bulbMs === null
          ? {}
          : {
              bulb: {
                ms: bulbMs,
                signal: abort.signal,
                onOpen: (at) => send({ type: 'BULB_OPENED', owner: `test-photo:${input.id}`, wall: at.wall, releaseAtMono: at.releaseAtMono }),
                onClosed: (at) => send({ type: 'BULB_CLOSED', wall: at.wall }),
              },
            }),
      });
      const file = previewFile(shot.files);
      let preview: PhotoPreview | null = null;
      let previewError: ErrorInfo | null = null;
      if (file) {
        try {
          send({ type: 'TEST_PHOTO_PROGRESS', id: input.id, stage: 'downloading', loaded: 0, total: null });
          let quarter = 0;
          const got = await camera.preview(
            file,
            (p) => {
              // A few logged steps, not one per chunk.
              const q = p.total ? Math.floor((4 * p.loaded) / p.total) : 0;
              if (q > quarter && q < 4) {
                quarter = q;
                send({ type: 'TEST_PHOTO_PROGRESS', id: input.id, stage: 'downloading', loaded: p.loaded, total: p.total });
              }
            },
            abort.signal,
          );
          send({ type: 'TEST_PHOTO_PROGRESS', id: input.id, stage: 'saving', loaded: got.bytes.length, total: got.bytes.length });
          await keep(o.dir, input.id, got.bytes);
          const exif = await readExif(got.bytes).catch((err: unknown) => {
            o.logger?.warn({ err, id: input.id }, 'test photo preview has unreadable EXIF');
            return null;
          });
          preview = { url: testPhotoUrl(input.id), kind: got.kind, bytes: got.bytes.length, exif };
        } catch (err) {
          previewError = errorInfo(err);
          o.logger?.warn({ err: previewError, id: input.id, file }, 'test photo taken, but its preview could not be fetched');
        }
      }
      const photo: PhotoRecord = {
        id: input.id,
        triggeredAt: shot.triggerWall,
        latencyMs: shot.latencyMs,
        attempts: shot.attempts,
        files: shot.files,
        bulbSeconds: input.bulbSeconds,
        preview,
        previewError,
      };
      send({ type: 'TEST_PHOTO_DONE', photo });
    };
    run().catch((err: unknown) => send({ type: 'TEST_PHOTO_FAILED', id: input.id, error: errorInfo(err) }));
    return () => abort.abort();
  });
